// Reads when a PEM certificate chain stops working: the earliest notAfter of its
// certificates (the chain breaks when any link expires) and the leaf's subject and issuer.
// Only those public facts leave this module; the text itself is dropped by the caller.
// A person's paste must hold certificates only: a private key there is refused (it would
// have crossed the browser for nothing). A provider value or a written value may hold its
// key beside the chain (a TLS secret often does): the key blocks are skipped, never parsed.
import 'server-only';
import { X509Certificate } from 'node:crypto';
import { InputError } from '@/lib/errors';
import type { SecretValue } from '@/lib/secret-value';

export type CertificateExpiry = { notAfter: Date; subject: string; issuer: string };

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
// Subjects and issuers are shown and audited: long ones are cut, not refused.
const NAME_MAX = 500;

/** Messages name the problem, never a byte of the input. */
export const CERTIFICATE_ERRORS = {
  privateKey: 'This text contains a private key. Paste only the certificate blocks (BEGIN CERTIFICATE); nothing was saved, and the key was not kept.',
  noCertificate: 'No certificate found: paste PEM text starting with -----BEGIN CERTIFICATE-----.',
  unreadable: 'A certificate block could not be read: check that it was copied whole, from BEGIN to END.',
} as const;

/** One line per name, "CN=api.example.com, O=Example" rather than Node's multi-line form. */
function nameOf(distinguishedName: string): string {
  return distinguishedName.split('\n').filter(Boolean).join(', ').slice(0, NAME_MAX);
}

/** Whether a value looks like it holds a certificate chain (a value write records its expiry). */
export function holdsCertificate(text: string): boolean {
  return text.includes('-----BEGIN CERTIFICATE-----');
}

/**
 * The expiry of the chain in `text`. `allowPrivateKey`: false for a person's paste (refused
 * with an InputError on `field`), true for a provider value. Bad PEM is an InputError too.
 */
export function certificateExpiryOf(text: string, options: { allowPrivateKey: boolean; field?: string }): CertificateExpiry {
  const refuse = (message: string) => new InputError(message, options.field ? { [options.field]: [message] } : undefined);
  if (!options.allowPrivateKey && PRIVATE_KEY.test(text)) throw refuse(CERTIFICATE_ERRORS.privateKey);
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (!blocks.length) throw refuse(CERTIFICATE_ERRORS.noCertificate);
  let certificates: X509Certificate[];
  try {
    certificates = blocks.map((block) => new X509Certificate(block));
  } catch {
    // Node's message may quote parser state; ours says what to do.
    throw refuse(CERTIFICATE_ERRORS.unreadable);
  }
  const [leaf] = certificates;
  const notAfter = certificates.map((c) => new Date(c.validTo)).reduce((a, b) => (b < a ? b : a));
  if (Number.isNaN(notAfter.getTime())) throw refuse(CERTIFICATE_ERRORS.unreadable);
  return { notAfter, subject: nameOf(leaf.subject), issuer: nameOf(leaf.issuer) };
}

/** A value's certificate expiry when the value is a certificate chain (a key beside it is
 *  skipped); null for any other value, or a chain that does not parse (the write goes on). */
export function certificateOfValue(value: SecretValue): CertificateExpiry | null {
  const text = value.reveal();
  if (!holdsCertificate(text)) return null;
  try {
    return certificateExpiryOf(text, { allowPrivateKey: true });
  } catch {
    return null;
  }
}
