// HMAC-SHA256 of many short texts under one key, as hex: the same fingerprint as
// lib/values/fingerprint.ts fingerprintWith (node:crypto's createHmac), computed in plain
// JavaScript from the key's precomputed inner and outer SHA-256 states. A leak scan
// fingerprints millions of candidates; createHmac costs a native object and two extra
// compressions of the key per text (about 250,000 a second here), this about four times
// less. Tested against createHmac on random texts (lib/leak/hmac.test.ts).
import { createHash } from 'node:crypto';

// prettier-ignore
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Int32Array(64);

/** One SHA-256 compression of m[off, off + 64) into state h. */
function compress(h: Int32Array, m: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = (m[j] << 24) | (m[j + 1] << 16) | (m[j + 2] << 8) | m[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15];
    const w2 = W[i - 2];
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let k = h[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (k + s1 + ch + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (s0 + maj) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + k) | 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();

/** A function giving HMAC-SHA256(key, utf8(text)) as 64 lowercase hex characters. */
export function hmacSha256Hex(key: string): (text: string) => string {
  const words = hmacSha256Words(key);
  return (text: string): string => hexOfWords(words(text));
}

/** The 64 lowercase hex characters of a digest given as eight big-endian 32-bit words. */
export function hexOfWords(words: Int32Array): string {
  let hex = '';
  for (let i = 0; i < 8; i++) {
    const word = words[i];
    hex += HEX[word >>> 24] + HEX[(word >>> 16) & 0xff] + HEX[(word >>> 8) & 0xff] + HEX[word & 0xff];
  }
  return hex;
}

/**
 * A function giving HMAC-SHA256(key, utf8(text)) as eight big-endian 32-bit words: the
 * same array each call, overwritten by the next (read or copy it before calling again).
 */
export function hmacSha256Words(key: string): (text: string) => Int32Array {
  let keyBytes: Uint8Array = encoder.encode(key);
  if (keyBytes.length > 64) keyBytes = new Uint8Array(createHash('sha256').update(keyBytes).digest());
  const inner = IV.slice();
  const outer = IV.slice();
  const pad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) pad[i] = (keyBytes[i] ?? 0) ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = (keyBytes[i] ?? 0) ^ 0x5c;
  compress(outer, pad, 0);

  let buffer = new Uint8Array(256);
  const state = new Int32Array(8);
  const outerBlock = new Uint8Array(64);
  outerBlock[32] = 0x80;
  // (64 key bytes + 32 digest bytes) * 8 = 768 bits.
  outerBlock[62] = 0x03;

  return (text: string): Int32Array => {
    // UTF-8 bytes of the text, ASCII without the encoder.
    let length = text.length;
    if (buffer.length < length * 3 + 72) buffer = new Uint8Array(length * 3 + 72);
    let ascii = true;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 127) {
        ascii = false;
        break;
      }
      buffer[i] = code;
    }
    if (!ascii) length = encoder.encodeInto(text, buffer).written;
    // SHA-256 padding after the 64 key bytes already compressed.
    const blocks = Math.ceil((length + 9) / 64);
    const end = blocks * 64;
    buffer[length] = 0x80;
    buffer.fill(0, length + 1, end);
    const bits = (64 + length) * 8;
    buffer[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
    buffer[end - 4] = (bits >>> 24) & 0xff;
    buffer[end - 3] = (bits >>> 16) & 0xff;
    buffer[end - 2] = (bits >>> 8) & 0xff;
    buffer[end - 1] = bits & 0xff;
    state.set(inner);
    for (let off = 0; off < end; off += 64) compress(state, buffer, off);
    for (let i = 0; i < 8; i++) {
      const word = state[i];
      outerBlock[i * 4] = word >>> 24;
      outerBlock[i * 4 + 1] = (word >>> 16) & 0xff;
      outerBlock[i * 4 + 2] = (word >>> 8) & 0xff;
      outerBlock[i * 4 + 3] = word & 0xff;
    }
    state.set(outer);
    compress(state, outerBlock, 0);
    return state;
  };
}
