// A loopback TCP proxy to put between an app server and PostgreSQL, so a spec can take
// the database away from the app (and give it back) without touching PostgreSQL itself.
import net from 'node:net';

export type TcpProxy = {
  /** The proxy's own port on 127.0.0.1. */
  port: number;
  /** Stops listening (new connections are refused) and resets every open connection. */
  cut: () => Promise<void>;
  /**
   * Resets every open connection, then accepts new ones and never answers, as a database
   * host that drops packets does. restore() forwards again.
   */
  blackhole: () => void;
  /** Listens again on the same port. */
  restore: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let server: net.Server | null = null;
  let silent = false;
  const held = new Set<net.Socket>();

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const made = net.createServer((client) => {
        if (silent) {
          held.add(client);
          client.on('error', () => {});
          client.on('close', () => held.delete(client));
          return;
        }
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
      for (const socket of [...open, ...held]) socket.resetAndDestroy();
      if (!current) return resolve();
      current.close(() => resolve());
    });

  const port = await listen(0);
  return {
    port,
    cut: stop,
    blackhole: () => {
      silent = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore: async () => {
      silent = false;
      for (const socket of held) socket.resetAndDestroy();
      if (!server) await listen(port);
    },
    close: stop,
  };
}
