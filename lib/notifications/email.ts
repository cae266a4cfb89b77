// One notification email through the operator's mail server (SMTP_URL), with nodemailer.
//
// The server comes from configuration only: its address and credentials are never stored
// or shown. Its host passes the egress policy like a webhook URL: the name is resolved
// through lib/net/egress.ts and nodemailer connects to that checked address (the name is
// kept for TLS: SNI and certificate checks). STARTTLS is required unless the address is
// loopback (a relay on this machine); smtps:// speaks TLS from the start. Errors are
// described in our own words plus the SMTP reply code: the server's reply text is never
// kept, as it may quote addresses or internal host names.
import 'server-only';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import ipaddr from 'ipaddr.js';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { env } from '@/lib/env';
import { EgressRefusedError, resolveEgress } from '@/lib/net/egress';

export type EmailMessage = { to: string[]; subject: string; text: string; html: string };

/** The outcome of one attempt: sent, or why not and whether trying again could help. */
export type EmailAttempt = { sent: true } | { sent: false; error: string; permanent: boolean };

export type SmtpServer = { host: string; port: number; secure: boolean; user?: string; pass?: string };

/** SMTP_URL taken apart; null when email is not configured. */
export function smtpServer(): SmtpServer | null {
  const url = env().SMTP_URL;
  if (!url) return null;
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    pass: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

export const emailConfigured = () => smtpServer() !== null;

const isLoopback = (address: string) => ipaddr.process(address).range() === 'loopback';

let caCache: { file: string; pem: string } | undefined;
/** SMTP_TLS_CA_FILE's certificates (read once per file name), added to the system's. */
function extraCa(): string[] | undefined {
  const file = env().SMTP_TLS_CA_FILE;
  if (!file) return undefined;
  if (caCache?.file !== file) caCache = { file, pem: readFileSync(file, 'utf8') };
  return [...tls.rootCertificates, caCache.pem];
}

/** Our words for what went wrong; `permanent` when the same message would fail again. */
function describe(error: unknown): { error: string; permanent: boolean } {
  if (error instanceof EgressRefusedError) return { error: error.message, permanent: true };
  const { code, responseCode } = error as { code?: string; responseCode?: number };
  if (code === 'EAUTH') return { error: 'The mail server refused the SMTP credentials (SMTP_URL).', permanent: true };
  if (typeof responseCode === 'number' && responseCode >= 500) {
    return { error: `The mail server refused the message (SMTP ${responseCode}).`, permanent: true };
  }
  if (typeof responseCode === 'number' && responseCode >= 400) {
    return { error: `The mail server deferred the message (SMTP ${responseCode}).`, permanent: false };
  }
  if (code === 'ETLS') return { error: 'The mail server does not offer STARTTLS, or TLS could not be set up.', permanent: false };
  if (code === 'ETIMEDOUT') return { error: 'The mail server did not answer in time.', permanent: false };
  if (code === 'ECONNECTION' || code === 'ESOCKET') {
    const cause = String((error as { message?: string }).message ?? '');
    if (/certificate|self[- ]signed|CERT/i.test(cause)) return { error: 'The mail server’s TLS certificate was not accepted.', permanent: false };
    return { error: 'The connection to the mail server failed.', permanent: false };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { error: 'The mail server’s host name could not be resolved.', permanent: false };
  return { error: 'Sending the email failed.', permanent: false };
}

/** nodemailer's settings for one message to `server`, connecting to `address` (already checked by the egress policy). */
export function transportOptions(server: SmtpServer, address: string, timeout: number): SMTPTransport.Options {
  return {
    host: address,
    port: server.port,
    secure: server.secure,
    // Without TLS the credentials and the message would cross the network in clear.
    requireTLS: !server.secure && !isLoopback(address),
    auth: server.user ? { user: server.user, pass: server.pass ?? '' } : undefined,
    // The name, not the address, is what the certificate must match.
    tls: { servername: ipaddr.isValid(server.host) ? undefined : server.host, ca: extraCa() },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Sends one message; never throws. */
export async function sendEmail(message: EmailMessage): Promise<EmailAttempt> {
  const server = smtpServer();
  if (!server) return { sent: false, error: 'Email is not configured on this server (SMTP_URL).', permanent: true };
  const e = env();
  const timeout = e.NOTIFICATION_TIMEOUT_MS;
  try {
    const [address] = await resolveEgress(server.host);
    const transport = nodemailer.createTransport(transportOptions(server, address!.address, timeout));
    try {
      await transport.sendMail({ from: e.SMTP_FROM, to: message.to, subject: message.subject, text: message.text, html: message.html });
    } finally {
      transport.close();
    }
    return { sent: true };
  } catch (error) {
    return { sent: false, ...describe(error) };
  }
}
