// Next.js calls register() once when a server starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { announceSetupIfNeeded } = await import('./lib/setup/announce');
  const base = process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  await announceSetupIfNeeded(base.replace(/\/$/, '')).catch((error: unknown) => {
    console.error('Could not check first-run setup:', error instanceof Error ? error.message : error);
  });
}
