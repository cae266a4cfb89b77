// The reuse check is not a silent oracle: a value refused for being another environment's
// value is audited (without the value), and after REUSE_REFUSALS_PER_HOUR refusals the
// user's value writes pause for the hour, before any comparison.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { writeSecretValue } from '@/lib/data/secret-values';
import { REUSE_REFUSALS_PER_HOUR } from '@/lib/values/reuse';
import { callerAs, joinOwningTeam, seedConnectedSecret, seedConnection } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

const enter = () => ({ mode: 'enter', note: '', idempotencyToken: randomUUID() });

describe('refusing a reused value', () => {
  it('audits each refusal, then pauses the user’s value writes without comparing', async () => {
    const connection = await seedConnection('local');
    const production = await seedConnectedSecret(connection.id, { environment: 'production' });
    const staging = await seedConnectedSecret(connection.id, { environment: 'staging', name: production.name });
    const owner = await joinOwningTeam(await callerAs('engineer'), production.id);
    const prober = await joinOwningTeam(await callerAs('engineer'), staging.id);
    const productionValue = `production-value-${randomUUID()}`;
    await writeSecretValue(owner, production.id, enter(), productionValue);

    // Each confirmed guess is refused and leaves a trace.
    for (let i = 0; i < REUSE_REFUSALS_PER_HOUR; i += 1) {
      await expect(writeSecretValue(prober, staging.id, enter(), productionValue)).rejects.toThrow(/already used by/);
    }
    // Past the limit, even a value that matches nothing is refused: refusals stop answering.
    const fresh = writeSecretValue(prober, staging.id, enter(), `unrelated-${randomUUID()}`);
    await expect(fresh).rejects.toThrow(InputError);
    await expect(fresh).rejects.toThrow(/value writes are paused for you/);
    expect(await db.secretVersion.count({ where: { secretId: staging.id } })).toBe(0);

    const denied = await db.auditEvent.findMany({ where: { actorId: prober.user!.id, outcome: 'denied' }, orderBy: { id: 'asc' } });
    expect(denied.map((e) => [e.action, e.targetId, (e.detail as { reason: string }).reason])).toEqual([
      ...Array.from({ length: REUSE_REFUSALS_PER_HOUR }, () => ['secret.value_write', staging.id, 'value_reused']),
      ['secret.value_write', staging.id, 'value_reuse_refusals_limited'],
    ]);
    expect(JSON.stringify(denied.map((e) => [e.detail, e.changes]))).not.toContain(productionValue);

    // Other users are not paused by someone else's refusals.
    await expect(writeSecretValue(owner, production.id, enter(), `next-${randomUUID()}`)).resolves.toMatchObject({ warning: null });
  });
});
