// Generates secret values on the server from Node's CSPRNG. crypto.randomInt draws
// without modulo bias, so every character of the alphabet is equally likely.
import 'server-only';
import { randomInt } from 'node:crypto';
import { SecretValue } from '@/lib/secret-value';
import { ALPHABETS, type AlphabetName } from './alphabets';

export function generateSecretValue(alphabet: AlphabetName, length: number): SecretValue {
  const characters = ALPHABETS[alphabet].characters;
  let value = '';
  for (let i = 0; i < length; i += 1) value += characters[randomInt(characters.length)];
  return new SecretValue(value);
}
