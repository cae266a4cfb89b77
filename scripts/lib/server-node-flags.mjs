// V8 heap sizing for the production server process (scripts/server.mjs), passed by whatever
// starts it: npm start and the Docker image (scripts/start.mjs), the e2e setup, the bench and
// the soak, so that what is measured and tested is what runs.
//
// Why: a page render allocates several MB (mostly React's server renderer) and much of it is
// promoted to V8's old space before it dies; left to its defaults on a machine with a lot of
// memory, V8 lets the old space grow to about four times the live heap (80-90 MB) before a
// full collection, and the process's resident memory to 500-600 MB under load. A cap of
// 288 MB makes V8 collect sooner: about 350 MB peak at 20 concurrent first loads, for about
// 10 % more CPU per render (docs/benchmarks.md); a larger young generation (32 MB
// semi-spaces) lets more of a render's garbage die there instead of being promoted.
//
// An operator's own NODE_OPTIONS setting of either flag wins (a larger container, say).
export function serverNodeFlags(env = process.env) {
  const operator = env.NODE_OPTIONS ?? '';
  return [
    /--max-semi-space-size\b/.test(operator) ? null : '--max-semi-space-size=32',
    /--max-old-space-size\b/.test(operator) ? null : '--max-old-space-size=288',
  ].filter((flag) => flag !== null);
}
