import { describe, expect, it } from 'vitest';
import { missingReplicaKeys, refuseWithoutReplicaKeys } from './replica-keys.mjs';

const keys = { NEXTAUTH_SECRET: 'n'.repeat(32), VALUE_FINGERPRINT_PEPPER: 'p'.repeat(32), AUDIT_SIGNING_KEY: 'k'.repeat(40) };
const external = { DATABASE_URL: 'postgresql://app@db.internal:5432/secret_inventory' };

describe('the keys every replica shares', () => {
  it('are required with an external database, each named with why', () => {
    expect(() => refuseWithoutReplicaKeys('The worker', { ...external, NEXTAUTH_SECRET: keys.NEXTAUTH_SECRET, AUDIT_SIGNING_KEY: ' ' })).toThrow(
      /^The worker refuses to start: DATABASE_URL names an external database, and VALUE_FINGERPRINT_PEPPER, AUDIT_SIGNING_KEY are not set\./,
    );
    try {
      refuseWithoutReplicaKeys('npm start', external);
    } catch (error) {
      const message = (error as Error).message;
      for (const name of Object.keys(keys)) expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
    }
    expect.assertions(4);
  });

  it('are left to generate when there is no DATABASE_URL (the embedded database), and pass when all are set', () => {
    expect(() => refuseWithoutReplicaKeys('npm start', {})).not.toThrow();
    expect(() => refuseWithoutReplicaKeys('npm start', { ...external, ...keys })).not.toThrow();
    expect(missingReplicaKeys({ ...keys, AUDIT_SIGNING_KEY: '' })).toEqual(['AUDIT_SIGNING_KEY']);
  });
});
