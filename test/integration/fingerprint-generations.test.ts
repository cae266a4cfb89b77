// Fingerprint key generations: every stored fingerprint carries the key id of the pepper
// that made it, and after the pepper is rotated (the old one in
// VALUE_FINGERPRINT_PEPPERS_PREVIOUS) the reuse refusal still recognises values recorded
// under the old pepper; once the old pepper is removed, only rows re-fingerprinted under
// the new one match. Peppers are switched per test through a mocked env().
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db';
import { writeSecretValue } from '@/lib/data/secret-values';
import type { TEnv } from '@/lib/env';
import { keyIdOf } from '@/lib/values/fingerprint';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

const settings = vi.hoisted(() => ({ overrides: {} as Partial<TEnv> }));
vi.mock('@/lib/env', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/env')>();
  return { ...real, env: () => ({ ...real.env(), ...settings.overrides }) };
});

useTestDatabase();

const OLD = 'old-fingerprint-pepper-for-generations-0123456789';
const NEW = 'new-fingerprint-pepper-for-generations-9876543210';
const usePeppers = (current: string, previous: string[] = []) => {
  settings.overrides = { VALUE_FINGERPRINT_PEPPER: current, VALUE_FINGERPRINT_PEPPERS_PREVIOUS: previous };
};
afterEach(() => {
  settings.overrides = {};
});

const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });

/** The same secret name in production and staging, and an engineer owning each. */
async function pair() {
  const connection = await seedConnection('local');
  const production = await seedConnectedSecret(connection.id, { environment: 'production' });
  const staging = await seedConnectedSecret(connection.id, { environment: 'staging', name: production.name });
  const owner = await joinOwningTeam(await callerAs('engineer'), production.id);
  const other = await joinOwningTeam(await callerAs('engineer'), staging.id);
  return { production, staging, owner, other };
}

describe('fingerprint key generations', () => {
  it('stores the current key id with every fingerprint', async () => {
    usePeppers(OLD);
    const { production, owner } = await pair();
    await writeSecretValue(owner, production.id, enter(), `value-${randomUUID()}`);
    const [row] = await db.secretVersion.findMany({ where: { secretId: production.id } });
    expect(row.fingerprint).not.toBeNull();
    expect(row.fingerprintKeyId).toBe(keyIdOf(OLD));
  });

  it('keeps refusing a reused value across a pepper rotation, and forgets the old generation once its pepper is removed', async () => {
    usePeppers(OLD);
    const { production, staging, owner, other } = await pair();
    const value = `production-value-${randomUUID()}`;
    await writeSecretValue(owner, production.id, enter(), value);

    // Rotated: new pepper current, old one previous. The old row still matches.
    usePeppers(NEW, [OLD]);
    await expect(writeSecretValue(other, staging.id, enter(), value)).rejects.toThrow(/already used by/);
    // A fresh value is written under the new key.
    await writeSecretValue(other, staging.id, enter(), `staging-value-${randomUUID()}`);
    expect((await db.secretVersion.findFirstOrThrow({ where: { secretId: staging.id } })).fingerprintKeyId).toBe(keyIdOf(NEW));

    // A production value written under the new pepper is refused for staging too.
    const second = `production-second-${randomUUID()}`;
    await writeSecretValue(owner, production.id, enter(), second);
    await expect(writeSecretValue(other, staging.id, enter(), second)).rejects.toThrow(/already used by/);

    // The old pepper removed: the row it made cannot match any more (the backfill would have
    // re-fingerprinted it), the one made under the new pepper still does.
    usePeppers(NEW);
    await writeSecretValue(other, staging.id, enter(), value);
    await expect(writeSecretValue(other, staging.id, enter(), second)).rejects.toThrow(/already used by/);
  });

  it('matches a row without a key id (written before key ids) under any configured pepper, and a keyed row only under its own', async () => {
    usePeppers(OLD);
    const { production, staging, owner, other } = await pair();
    const value = `legacy-value-${randomUUID()}`;
    await writeSecretValue(owner, production.id, enter(), value);
    await db.secretVersion.updateMany({ where: { secretId: production.id }, data: { fingerprintKeyId: null } });
    usePeppers(NEW, [OLD]);
    await expect(writeSecretValue(other, staging.id, enter(), value)).rejects.toThrow(/already used by/);

    // The same bytes labelled with the new key id: the old pepper's fingerprint does not count under it.
    await db.secretVersion.updateMany({ where: { secretId: production.id }, data: { fingerprintKeyId: keyIdOf(NEW) } });
    await writeSecretValue(other, staging.id, enter(), value);
    expect(await db.secretVersion.count({ where: { secretId: staging.id } })).toBe(1);
  });
});
