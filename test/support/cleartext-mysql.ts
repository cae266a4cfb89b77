// A fake MySQL server that asks every client for its password in clear text: it greets
// with a handshake (no TLS offered) naming `initialPlugin`, and answers the client's first
// packet with an auth switch to mysql_clear_password, as a hostile or misconfigured server
// would to collect the password. It records every byte received and how many packets came
// after the switch (the clear-text answer would be one). Loopback only.
import net from 'node:net';

export interface CleartextMysqlServer {
  port: number;
  connections: number;
  /** Packets received after the auth switch: must stay 0 for a client that refuses. */
  answersAfterSwitch: number;
  /** Everything clients sent, to check that no password is in it. */
  received(): Buffer;
  close(): Promise<void>;
}

// CLIENT_LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS |
// SECURE_CONNECTION | MULTI_RESULTS | PLUGIN_AUTH | CONNECT_ATTRS | PLUGIN_AUTH_LENENC_CLIENT_DATA
const CAPABILITIES = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000 | 0x100000 | 0x200000;

const packet = (sequence: number, body: Buffer) => {
  const header = Buffer.alloc(4);
  header.writeUIntLE(body.length, 0, 3);
  header[3] = sequence;
  return Buffer.concat([header, body]);
};

function greeting(plugin: string): Buffer {
  const scramble = Buffer.from('abcdefghijklmnopqrst');
  const caps = Buffer.alloc(4);
  caps.writeUInt32LE(CAPABILITIES);
  const status = Buffer.alloc(2);
  status.writeUInt16LE(2);
  const id = Buffer.alloc(4);
  id.writeUInt32LE(7);
  return packet(
    0,
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from('5.5.5-10.11.0-MariaDB-fake\0'),
      id,
      scramble.subarray(0, 8),
      Buffer.from([0]),
      caps.subarray(0, 2),
      Buffer.from([45]),
      status,
      caps.subarray(2, 4),
      Buffer.from([21]),
      Buffer.alloc(10),
      scramble.subarray(8, 20),
      Buffer.from([0]),
      Buffer.from(`${plugin}\0`),
    ]),
  );
}

export async function startCleartextMysqlServer(initialPlugin = 'mysql_native_password'): Promise<CleartextMysqlServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, answersAfterSwitch: 0, received: [] as Buffer[] };
  const server = net.createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let switched = false;
    socket.on('data', (chunk) => {
      state.received.push(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4) {
        const length = buffer.readUIntLE(0, 3);
        if (buffer.length < 4 + length) return;
        const sequence = buffer[3]!;
        buffer = buffer.subarray(4 + length);
        if (switched) {
          state.answersAfterSwitch += 1;
          socket.destroy();
          return;
        }
        // The client's handshake response: switch it to clear text.
        switched = true;
        socket.write(packet(sequence + 1, Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_clear_password\0')])));
      }
    });
    socket.write(greeting(initialPlugin));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return state.connections;
    },
    get answersAfterSwitch() {
      return state.answersAfterSwitch;
    },
    received: () => Buffer.concat(state.received),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
