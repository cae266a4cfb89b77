// Self-signed test certificates, made with the openssl command (Node cannot issue one):
// a leaf and its private key, each call a new pair, in a scratch folder removed at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type TestCertificate = { certificatePem: string; privateKeyPem: string };

/** A certificate valid for `days` from now (openssl: -days), with subject CN=`commonName`. */
export function makeCertificate(commonName: string, days: number): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'test-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        String(days),
        '-subj',
        `/CN=${commonName}/O=Test`,
      ],
      { stdio: 'ignore' },
    );
    return { certificatePem: readFileSync(cert, 'utf8'), privateKeyPem: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** When `pem` (one certificate) expires, as openssl reads it: the expected value in assertions. */
export function notAfterOf(pem: string): Date {
  const out = execFileSync('openssl', ['x509', '-noout', '-enddate'], { input: pem, encoding: 'utf8' });
  return new Date(out.trim().replace(/^notAfter=/, ''));
}
