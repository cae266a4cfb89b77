// A fake PostgreSQL server that asks every client for its password in clear text
// (AuthenticationCleartextPassword), as a hostile or misconfigured server would to collect
// it, and records whether a password message ('p') ever arrived. Loopback only.
import net from 'node:net';

export interface CleartextServer {
  port: number;
  /** Password messages received: must stay 0 for a client that refuses clear text. */
  passwordMessages: number;
  connections: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export async function startCleartextServer(): Promise<CleartextServer> {
  const sockets = new Set<net.Socket>();
  const state = { passwordMessages: 0, connections: 0 };
  const server = net.createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N'); // no TLS here: the client decides whether to go on without
            continue;
          }
          started = true;
          // AuthenticationCleartextPassword: 'R', length 8, method 3.
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5);
          socket.write(ask);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        if (buffer[0] === 0x70) state.passwordMessages += 1; // 'p'
        buffer = buffer.subarray(1 + length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    get passwordMessages() {
      return state.passwordMessages;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
