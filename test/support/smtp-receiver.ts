// A mail server on loopback for tests (the smtp-server package): offers STARTTLS with a
// test certificate, requires a login, records every message it accepts (envelope, whether
// TLS was on, and the message taken apart: subject, plain text, HTML) and refuses the next
// messages with the SMTP reply codes a test queues up. Playwright specs import it too, so
// it must not load Vitest.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { freePort } from './free-port';

export type ReceivedMail = { from: string; to: string[]; secure: boolean; user: string | undefined; raw: string; subject: string; text: string; html: string };

export type SmtpReceiver = {
  port: number;
  received: ReceivedMail[];
  /** Reply codes (e.g. 451, 550) for the next messages' data, in order; accepted once empty. */
  refuseNext: (...codes: number[]) => void;
  close: () => Promise<void>;
};

/** Quoted-printable to text (nodemailer's encoding for lines that are long or not ASCII). */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}

/** A part's body, decoded by its Content-Transfer-Encoding. */
function decodePart(part: string): string {
  const [head, ...rest] = part.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n').replace(/\r\n/g, '\n');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) return decodeQuotedPrintable(body).trim();
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body, 'base64').toString('utf8').trim();
  return body.trim();
}

/** Subject, text and HTML of a multipart/alternative message as nodemailer writes it. */
export function parseMail(raw: string): Pick<ReceivedMail, 'subject' | 'text' | 'html'> {
  const headers = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject: (.*)$/im.exec(headers)?.[1] ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  const byType = (type: string) => decodePart(parts.find((p) => new RegExp(`content-type:\\s*${type}`, 'i').test(p)) ?? '\n\n');
  return { subject, text: byType('text/plain'), html: byType('text/html') };
}

export async function startSmtpReceiver(options: {
  tls?: { key: string; cert: string };
  user: string;
  password: string;
  /** Called with each accepted message (the e2e setup writes them to a file for the specs). */
  onReceived?: (mail: ReceivedMail) => void;
}): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const refusals: number[] = [];
  const settings: SMTPServerOptions = {
    secure: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { hideSTARTTLS: true }),
    // No STARTTLS to offer: a login on a plain connection is the test's to allow.
    allowInsecureAuth: !options.tls,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = refusals.shift();
        if (code) return callback(Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code }));
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
          raw,
          ...parseMail(raw),
        };
        received.push(mail);
        options.onReceived?.(mail);
        callback();
      });
    },
    logger: false,
  };
  const server = new SMTPServer(settings);
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    received,
    refuseNext: (...codes) => refusals.push(...codes),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
