// Next.js calls register() once when a server starts.
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next's own build-time switch between its runtimes, not a setting.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { announceSetupIfNeeded } = await import('./lib/setup/announce');
  const { publicBaseUrl } = await import('./lib/env');
  await announceSetupIfNeeded(publicBaseUrl()).catch((error: unknown) => {
    console.error('Could not check first-run setup:', error instanceof Error ? error.message : error);
  });
}
