-- AlterTable
ALTER TABLE "audit_chain_head" ADD COLUMN     "last_occurred_at" TIMESTAMPTZ(3);

-- From here on an event's time is never earlier than the one before it in the chain, so a
-- time range of the trail is also a range of ids (lib/data/audit-events.ts). The floor
-- starts at the newest time recorded so far (an index lookup).
UPDATE "audit_chain_head" SET "last_occurred_at" = (SELECT max("occurred_at") FROM "audit_events") WHERE "id" = 1;
