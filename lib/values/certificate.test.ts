import { describe, expect, it } from 'vitest';
import { makeCertificate, notAfterOf } from '@/test/support/certificates';
import { InputError } from '@/lib/errors';
import { SecretValue } from '@/lib/secret-value';
import { CERTIFICATE_ERRORS, certificateExpiryOf, certificateOfValue } from './certificate';

const leaf = makeCertificate('api.example.test', 400);
const intermediate = makeCertificate('Example Intermediate', 20);

function refusal(text: string, allowPrivateKey = false): InputError {
  try {
    certificateExpiryOf(text, { allowPrivateKey, field: 'certificate' });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('certificateExpiryOf', () => {
  it("reads one certificate's notAfter, subject and issuer", () => {
    const read = certificateExpiryOf(leaf.certificatePem, { allowPrivateKey: false });
    expect(read.notAfter).toEqual(notAfterOf(leaf.certificatePem));
    expect(read.subject).toBe('CN=api.example.test, O=Test');
    expect(read.issuer).toBe('CN=api.example.test, O=Test');
  });

  it("takes a chain's earliest notAfter (it breaks then) and the leaf's subject", () => {
    const read = certificateExpiryOf(`${leaf.certificatePem}\n${intermediate.certificatePem}`, { allowPrivateKey: false });
    expect(read.notAfter).toEqual(notAfterOf(intermediate.certificatePem));
    expect(read.subject).toBe('CN=api.example.test, O=Test');
  });

  it('refuses a paste holding a private key, on the field, without echoing any of it', () => {
    const error = refusal(`${leaf.certificatePem}${leaf.privateKeyPem}`);
    expect(error.message).toBe(CERTIFICATE_ERRORS.privateKey);
    expect(error.fieldErrors).toEqual({ certificate: [CERTIFICATE_ERRORS.privateKey] });
    const keyBody = leaf.privateKeyPem.split('\n')[1];
    expect(JSON.stringify({ message: error.message, fieldErrors: error.fieldErrors })).not.toContain(keyBody);
  });

  it('skips the key of a provider value that holds one beside its chain', () => {
    expect(certificateExpiryOf(`${leaf.privateKeyPem}${leaf.certificatePem}`, { allowPrivateKey: true }).notAfter).toEqual(notAfterOf(leaf.certificatePem));
  });

  it('says which problem bad PEM has', () => {
    expect(refusal('hello').message).toBe(CERTIFICATE_ERRORS.noCertificate);
    const body = leaf.certificatePem.split('\n');
    const cut = [...body.slice(0, 3), ...body.slice(-3)].join('\n');
    expect(refusal(cut).message).toBe(CERTIFICATE_ERRORS.unreadable);
    expect(refusal('-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----').message).toBe(CERTIFICATE_ERRORS.unreadable);
  });
});

describe('certificateOfValue', () => {
  it('reads a value that is a chain (with its key), and nothing from any other value', () => {
    expect(certificateOfValue(new SecretValue(`${leaf.certificatePem}${leaf.privateKeyPem}`))?.notAfter).toEqual(notAfterOf(leaf.certificatePem));
    expect(certificateOfValue(new SecretValue('s3cr3t-password'))).toBeNull();
    expect(certificateOfValue(new SecretValue('-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----'))).toBeNull();
  });
});
