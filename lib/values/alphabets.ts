// The alphabets a generated value can be drawn from. Shared by the server generator and
// the form (which shows the resulting strength), so it holds no server-only code.
export const ALPHABETS = {
  alphanumeric: {
    label: 'Letters and digits',
    characters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  },
  symbols: {
    // No quotes, backslash, $, & or spaces: values survive shells, URLs and .env files.
    label: 'Letters, digits and symbols',
    characters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%+-.:=?@^_~',
  },
  hex: { label: 'Hexadecimal', characters: '0123456789abcdef' },
} as const;

export type AlphabetName = keyof typeof ALPHABETS;
export const ALPHABET_NAMES = Object.keys(ALPHABETS) as AlphabetName[];

export const GENERATED_LENGTH = { min: 16, max: 4096, default: 32 } as const;

/** Bits of entropy of a uniformly drawn value. */
export function entropyBits(alphabet: AlphabetName, length: number): number {
  return Math.floor(length * Math.log2(ALPHABETS[alphabet].characters.length));
}
