// An export records its own audit event when its stream has ended, a moment after the
// test has read the last byte; tests that check that event wait for it here.
import { db } from '@/lib/db';

/** The newest audit.export event by this actor (not a denial), waiting up to about 2 s for it. */
export async function exportEvent(actorId: string) {
  for (let i = 0; i < 100; i++) {
    const event = await db.auditEvent.findFirst({ where: { actorId, action: 'audit.export', outcome: { not: 'denied' } }, orderBy: { id: 'desc' } });
    if (event) return event;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no audit.export event');
}
