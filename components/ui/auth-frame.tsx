// The narrow centred card of the signed-out pages (sign-in, setup, invitation), also worn
// by the error pages that stand in for a whole layout.
export function AuthFrame({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <p className="mb-6 text-center text-sm font-semibold tracking-wide text-slate-500 uppercase">Secret inventory</p>
        <div className="rounded-lg bg-white p-8 shadow-sm ring-1 ring-slate-200">{children}</div>
      </div>
    </main>
  );
}
