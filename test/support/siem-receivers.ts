// SIEM receivers on loopback for the audit streaming tests: a syslog server (TLS or plain
// TCP) that parses octet-counted RFC 5424 messages, and an HTTP receiver for OTLP/JSON
// logs and signed webhook batches. Each can be stopped and started again on the same
// port, to play an outage.
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

export type SyslogMessage = {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** The SD-ID and its parameters (values unescaped). */
  sdId: string;
  params: Record<string, string>;
  /** MSG without its BOM. */
  msg: string;
};

/** Parses one RFC 5424 message with one SD-ELEMENT, as lib/audit-stream/syslog-format.ts writes them. */
export function parseSyslog(text: string): SyslogMessage {
  const header = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) \[/.exec(text);
  if (!header) throw new Error(`not an RFC 5424 message: ${text.slice(0, 80)}`);
  let i = header[0].length;
  const sdIdEnd = text.slice(i).search(/[ \]]/);
  const sdId = text.slice(i, i + sdIdEnd);
  i += sdIdEnd;
  const params: Record<string, string> = {};
  while (text[i] === ' ') {
    const eq = text.indexOf('="', i);
    const name = text.slice(i + 1, eq);
    i = eq + 2;
    let value = '';
    while (text[i] !== '"') {
      if (text[i] === '\\' && ['"', '\\', ']'].includes(text[i + 1])) i += 1;
      value += text[i];
      i += 1;
    }
    params[name] = value;
    i += 1;
  }
  if (text[i] !== ']' || text[i + 1] !== ' ') throw new Error(`structured data not closed at ${i}`);
  const msg = text.slice(i + 2);
  if (!msg.startsWith('\uFEFF')) throw new Error('MSG has no BOM');
  const [, pri, version, timestamp, hostname, appName, procId, msgId] = header;
  return { pri: Number(pri), version: Number(version), timestamp, hostname, appName, procId, msgId, sdId, params, msg: msg.slice(1) };
}

/** Splits octet-counted frames off `buffer`; returns the messages and what is left (a partial frame). */
function unframe(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let rest: Buffer = buffer;
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space < 0) break;
    const length = Number(rest.subarray(0, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) throw new Error(`bad frame length: ${rest.subarray(0, space).toString()}`);
    if (rest.length < space + 1 + length) break;
    messages.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
    rest = rest.subarray(space + 1 + length);
  }
  return { messages, rest };
}

type Restartable = { port: number; stop: () => Promise<void>; start: () => Promise<void> };

function restartable(create: () => net.Server | HttpServer, port: number): Restartable & { listen: () => Promise<number> } {
  let server: net.Server | HttpServer | null = null;
  const sockets = new Set<net.Socket>();
  const state = {
    port,
    async listen() {
      server = create();
      server.on('connection', (s: net.Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(state.port, '127.0.0.1', () => resolve());
      });
      state.port = (server.address() as net.AddressInfo).port;
      return state.port;
    },
    start: async () => {
      await state.listen();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server) return resolve();
        server.close(() => resolve());
        server = null;
      }),
  };
  return state;
}

export type SyslogReceiver = Restartable & { messages: SyslogMessage[]; raw: string[] };

/** A syslog receiver; TLS with `certificate` (and key), plain TCP without. */
export async function startSyslogReceiver(certificate?: { certificatePem: string; privateKeyPem: string }): Promise<SyslogReceiver> {
  const messages: SyslogMessage[] = [];
  const raw: string[] = [];
  const onSocket = (socket: net.Socket) => {
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { messages: complete, rest } = unframe(Buffer.concat([buffer, chunk]));
      buffer = rest;
      for (const text of complete) {
        raw.push(text);
        messages.push(parseSyslog(text));
      }
    });
    socket.on('error', () => {});
  };
  const create = () =>
    certificate
      ? tls.createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem }, onSocket).on('tlsClientError', () => {})
      : net.createServer(onSocket);
  const server = restartable(create, 0);
  await server.listen();
  return Object.assign(server, { messages, raw });
}

export type HttpPost = { path: string; headers: IncomingHttpHeaders; body: string };

export type HttpReceiver = Restartable & {
  posts: HttpPost[];
  url: (path?: string) => string;
  /** Answers for the next posts, in order (200 once empty). */
  respondWith: (...answers: { status: number; headers?: Record<string, string> }[]) => void;
  /** Wait this long before answering each post. */
  delayMs: number;
};

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const posts: HttpPost[] = [];
  const answers: { status: number; headers?: Record<string, string> }[] = [];
  const receiver = {} as HttpReceiver;
  const create = () =>
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = answers.shift() ?? { status: 200 };
        setTimeout(() => {
          // A post counts as received only if it was answered with a 2xx (what the sender acknowledges).
          if (answer.status >= 200 && answer.status < 300) {
            posts.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          }
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end('ok');
        }, receiver.delayMs);
      });
    });
  const server = restartable(create, 0);
  await server.listen();
  return Object.assign(receiver, server, {
    posts,
    delayMs: 0,
    url: (path = '') => `http://127.0.0.1:${server.port}${path}`,
    respondWith: (...list: { status: number; headers?: Record<string, string> }[]) => void answers.push(...list),
  });
}
