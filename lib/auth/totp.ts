// The TOTP second factor's arithmetic: new secrets, the authenticator-app URI and QR
// code, code checks (RFC 6238 through otplib, one step of clock drift either way, each
// step accepted once) and recovery codes (80 random bits each, stored as sha256).
import 'server-only';
import { createHash, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

const ISSUER = 'Secret inventory';
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return generateSecret(); // base32, 20 bytes
}

/** SVG markup of the otpauth:// URI, drawn on the server (no third-party image service). */
export async function totpQrSvg(secret: string, accountName: string): Promise<string> {
  const uri = generateURI({ issuer: ISSUER, label: accountName, secret });
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

const SIX_DIGITS = /^\d{6}$/;

/**
 * The time step the code belongs to, or null when it is wrong or not newer than
 * `afterStep` (the last accepted one: a code is good for one sign-in).
 */
export async function checkTotp(secret: string, code: string, afterStep: number | null, epochSeconds?: number): Promise<number | null> {
  const token = code.replace(/\s/g, '');
  if (!SIX_DIGITS.test(token)) return null;
  const result = await verify({
    secret,
    token,
    epochTolerance: 30,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    ...(epochSeconds !== undefined ? { epoch: epochSeconds } : {}),
  }).catch(() => null);
  // otplib's result type covers HOTP too; a TOTP match carries its time step.
  return result?.valid && 'timeStep' in result && typeof result.timeStep === 'number' ? result.timeStep : null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i

/** Recovery codes as shown once (xxxx-xxxx-xxxx-xxxx, ~79 bits) with their hashes. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** Case, spaces and dashes do not matter when a person types a code back. */
export function hashRecoveryCode(code: string): string {
  const normal = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return createHash('sha256').update(`recovery:${normal}`).digest('hex');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return code.replace(/[^a-zA-Z0-9]/g, '').length === 16;
}
