// A loopback TCP proxy to put between an app server and PostgreSQL, so a spec can take
// the database away from the app (and give it back) without touching PostgreSQL itself.
import net from 'node:net';

export type TcpProxy = {
  /** The proxy's own port on 127.0.0.1. */
  port: number;
  /** Stops listening (new connections are refused) and resets every open connection. */
  cut: () => Promise<void>;
  /** Listens again on the same port. */
  restore: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let server: net.Server | null = null;

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const made = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        for (const socket of [client, upstream]) {
          open.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => {
            open.delete(socket);
            // One side gone: so is the other (as when a database host goes away).
            (socket === client ? upstream : client).destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      made.once('error', reject);
      made.listen(port, '127.0.0.1', () => {
        server = made;
        resolve((made.address() as net.AddressInfo).port);
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      for (const socket of open) socket.resetAndDestroy();
      if (!current) return resolve();
      current.close(() => resolve());
    });

  const port = await listen(0);
  return {
    port,
    cut: stop,
    restore: async () => {
      await listen(port);
    },
    close: stop,
  };
}
