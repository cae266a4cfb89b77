// Sends framed syslog messages over one TCP connection, TLS unless the administrator
// allowed plaintext. The receiver's certificate is verified (public CAs, or the sink's own
// CA) against the endpoint's host or the sink's server name. The socket's address passes
// the egress policy (lib/net/egress.ts): IP literals are checked here, names when resolved.
//
// Acknowledgement: syslog over TCP has no application-level ack, so a batch counts as
// delivered once every byte was written and the connection closed cleanly. What a receiver
// loses after that (its own crash) is not seen; the next batch starts after it.
import 'server-only';
import net from 'node:net';
import tls from 'node:tls';
import { assertHostLiteral, egressLookup } from '@/lib/net/egress';
import { parseHostPort } from '@/lib/validation/audit-sink';
import { SinkSendError } from './send-errors';

export type SyslogTarget = { endpoint: string; allowPlaintext: boolean; caPem: string | null; serverName: string | null };

export async function sendSyslog(target: SyslogTarget, frames: string[], timeoutMs: number): Promise<void> {
  const address = parseHostPort(target.endpoint);
  if (!address) throw new SinkSendError('The endpoint is not host:port.');
  assertHostLiteral(address.host);
  const base = { host: address.host, port: address.port, lookup: egressLookup };
  const socket = target.allowPlaintext
    ? net.connect(base)
    : tls.connect({
        ...base,
        ca: target.caPem ?? undefined,
        // SNI and the name checked: an IP literal is checked against the certificate's IP SANs.
        servername: target.serverName ?? (net.isIP(address.host) ? undefined : address.host),
        checkServerIdentity: (host, cert) => tls.checkServerIdentity(target.serverName ?? host, cert),
      });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve();
    });
    socket.once(target.allowPlaintext ? 'connect' : 'secureConnect', () => {
      socket.end(frames.join(''));
    });
  });
}
