// First-run setup under a flood of posts: setup closed or a wrong token is refused before
// the password is hashed (argon2 costs CPU and memory), so refused posts cost no hash.
import { describe, expect, it, vi } from 'vitest';
import { callerFor } from '@/lib/auth/caller';
import { completeSetup, issueSetupToken } from '@/lib/data/setup';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { TEST_REQUEST } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

const hashes = vi.hoisted(() => ({ count: 0 }));
vi.mock('@/lib/auth/password', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/auth/password')>();
  return {
    ...original,
    hashPassword: (password: string) => {
      hashes.count += 1;
      return original.hashPassword(password);
    },
  };
});

useTestDatabase();

const anonymous = (n: number) => callerFor(null, { ...TEST_REQUEST, ip: `10.1.${Math.floor(n / 250)}.${n % 250}` });
const details = (n: number) => ({ name: 'Flood', email: `flood-${n}@example.test`, password: 'correct horse battery staple' });

describe('setup posts', () => {
  // Runs first in this file's fresh database: setup is open.
  it('with a wrong token, then with setup closed, are refused without hashing a password', async () => {
    const token = await issueSetupToken();
    expect(token).toBeTruthy();

    for (let n = 0; n < 20; n++) {
      await expect(completeSetup(anonymous(n), { ...details(n), token: `wrong-${n}` })).rejects.toBeInstanceOf(InputError);
    }
    expect(hashes.count).toBe(0);
    expect(await db.user.count()).toBe(0);

    await completeSetup(anonymous(100), { ...details(100), token });
    expect(hashes.count).toBe(1);

    for (let n = 200; n < 220; n++) {
      await expect(completeSetup(anonymous(n), { ...details(n), token })).rejects.toThrow(/already complete/);
    }
    expect(hashes.count).toBe(1);
    expect(await db.user.count()).toBe(1);
  });
});
