// Input rules for audit sinks (Settings → Audit streaming): where the worker streams the
// audit trail. A syslog sink is host:port (TLS unless plaintext is allowed); OTLP and
// webhook sinks are URLs (https:// unless plaintext is allowed). The CA is a public
// certificate, not a credential; nothing secret is asked for.
import { z } from 'zod';
import { checkHttpUrl, singleLineName } from './form-fields';
import { blankToUndefined } from './parse';

export const AUDIT_SINK_KINDS = ['syslog', 'otlp', 'webhook'] as const;

/** host:port, [IPv6]:port: what a syslog endpoint is. */
const HOST_PORT_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Splits a syslog endpoint into host (brackets removed) and port; null when it is not host:port. */
export function parseHostPort(endpoint: string): { host: string; port: number } | null {
  const match = HOST_PORT_RE.exec(endpoint);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return null;
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/** A checkbox: "on" when ticked, absent when not; booleans from code. */
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

const optionalText = (max: number, message: string) => z.preprocess(blankToUndefined, z.string().trim().max(max, message).optional());

export const ZAuditSinkInput = z
  .object({
    name: singleLineName(100),
    kind: z.enum(AUDIT_SINK_KINDS, { message: 'Choose the kind of sink' }),
    endpoint: z.string({ message: 'Enter the endpoint' }).trim().min(1, 'Enter the endpoint').max(2000, 'The endpoint is at most 2,000 characters'),
    allowPlaintext: checkbox,
    caPem: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(20_000, 'The CA certificate is at most 20,000 characters')
        .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, 'Paste the CA certificate in PEM form (BEGIN CERTIFICATE … END CERTIFICATE)')
        .optional(),
    ),
    serverName: optionalText(253, 'The server name is at most 253 characters'),
    enabled: checkbox,
    /** Only on creation: start after the current head ("now") or with the oldest stored event. */
    startFrom: z.enum(['now', 'beginning']).default('now'),
    /** updatedAt the editor saw; a mismatch means someone else saved in between. */
    expectedUpdatedAt: z.preprocess(blankToUndefined, z.iso.datetime().optional()),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'syslog') {
      const hostPort = parseHostPort(input.endpoint);
      if (!hostPort) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'A syslog endpoint is host:port, e.g. siem.example.com:6514' });
      return;
    }
    // checkHttpUrl reports on the refined value's root; here that is the endpoint field.
    const onEndpoint = { ...ctx, addIssue: (issue: z.core.$ZodRawIssue) => ctx.addIssue({ ...issue, path: ['endpoint'] }) } as z.RefinementCtx;
    const url = checkHttpUrl(input.endpoint, onEndpoint, {
      protocol: 'The endpoint must start with https:// (or http:// with plaintext allowed)',
      credentials: 'Credentials do not go in the URL',
    });
    if (url?.hash) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'The URL must not contain a # fragment' });
    if (url?.search) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'The URL must not contain a query string' });
    if (url?.protocol === 'http:' && !input.allowPlaintext) {
      ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'Use https://, or tick "Allow unencrypted" to send over plain http://' });
    }
  });

export type TAuditSinkInput = z.infer<typeof ZAuditSinkInput>;

/** Ids passed to actions; a malformed one reads as "no such sink". */
export const ZAuditSinkId = z.uuid({ message: 'This sink does not exist.' });
