import { describe, expect, it } from 'vitest';
import { computeNextDue, searchTextOf, ZSecretInput } from './secret';

const valid = {
  name: 'prod/payments/db-password',
  environmentId: '7d4f0a52-5a3c-4f55-9a1e-0c7b3f1e2d10',
  ownerTeamId: '0c7b3f1e-5a3c-4f55-9a1e-7d4f0a522d10',
  classification: 'critical',
};

describe('ZSecretInput', () => {
  it('accepts form-shaped input and normalises it', () => {
    const parsed = ZSecretInput.parse({ ...valid, tags: 'PCI, db, pci', rotationIntervalDays: '90', lastRotatedAt: '2026-01-15', contactPerson: '' });
    expect(parsed.tags).toEqual(['pci', 'db']);
    expect(parsed.rotationIntervalDays).toBe(90);
    expect(parsed.lastRotatedAt?.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(parsed.contactPerson).toBeUndefined();
    expect(parsed.status).toBe('active');
  });

  it('explains each bad field', () => {
    const result = ZSecretInput.safeParse({ ...valid, name: ' bad name!', rotationIntervalDays: '1.5', tags: 'Has Space', classification: 'secret' });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => i.path[0]);
    expect(new Set(fields)).toEqual(new Set(['name', 'rotationIntervalDays', 'tags', 'classification']));
  });
});

describe('ZSecretInput connectionId', () => {
  it('is optional, blank means none, and anything but a uuid is refused with a message', () => {
    expect(ZSecretInput.parse({ ...valid, connectionId: '' }).connectionId).toBeUndefined();
    expect(ZSecretInput.parse({ ...valid, connectionId: valid.environmentId }).connectionId).toBe(valid.environmentId);
    const bad = ZSecretInput.safeParse({ ...valid, connectionId: 'aws' });
    expect(bad.error?.issues.map((i) => [i.path[0], i.message])).toEqual([['connectionId', 'Choose a connection from the list']]);
  });
});

describe('computeNextDue', () => {
  const created = new Date('2026-03-01T00:00:00Z');
  const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
  it('adds the interval to the last rotation', () => {
    expect(computeNextDue({ lastRotatedAt: at('2026-01-01'), intervalDays: 30, createdAt: created })?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
  });
  it('is due at creation when never rotated, and never without a policy or an expiry', () => {
    expect(computeNextDue({ lastRotatedAt: null, intervalDays: 30, createdAt: created })).toEqual(created);
    expect(computeNextDue({ lastRotatedAt: new Date(), intervalDays: null, createdAt: created })).toBeNull();
  });
  it('is the earlier of the rotation schedule and the expiry minus the reminder lead', () => {
    const rotated = { lastRotatedAt: at('2026-01-01'), intervalDays: 90, createdAt: created };
    // Schedule 2026-04-01; expiry 2026-03-15 with a 14-day lead: 2026-03-01 comes first.
    expect(computeNextDue({ ...rotated, expiry: { at: at('2026-03-15'), leadDays: 14 } })).toEqual(at('2026-03-01'));
    // An expiry far after the schedule leaves the schedule.
    expect(computeNextDue({ ...rotated, expiry: { at: at('2027-01-01'), leadDays: 14 } })).toEqual(at('2026-04-01'));
    // No rotation policy: the expiry alone decides.
    expect(computeNextDue({ ...rotated, intervalDays: null, expiry: { at: at('2026-06-30'), leadDays: 30 } })).toEqual(at('2026-05-31'));
  });
});

describe('searchTextOf', () => {
  it('lower-cases every searchable field into one string', () => {
    expect(searchTextOf({ name: 'API_Key', description: 'Stripe', tags: ['pci'], providerRef: 'ARN:x', contactPerson: 'Ana' })).toBe(
      'api_key stripe pci arn:x ana',
    );
  });
});
