// Many concurrent requests each needing a value read from the database after they
// arrived (never one read before: it could miss a write they must see) can share reads:
// a caller joins the read that starts next, not the one already in flight. So at most
// one read runs at a time, each caller waits at most for two, and none gets a value
// older than its own arrival.

/** `read`, shared between concurrent callers as described above. */
export function coalescedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const start = () => {
    running = read().finally(() => {
      running = null;
    });
    return running;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}
