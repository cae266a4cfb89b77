-- Provider access history export: an insertion-order column (the export's pin and tie-break)
-- and (filter, occurred_at, seq) indexes the export walks in order. Not CONCURRENTLY:
-- access_events ships in the same release (issue 5) as this migration, so it is small here.

-- DropIndex
DROP INDEX "access_events_occurred_at_idx";

-- DropIndex
DROP INDEX "access_events_principal_occurred_at_idx";

-- DropIndex
DROP INDEX "access_events_secret_id_occurred_at_idx";

-- AlterTable
ALTER TABLE "access_events" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "access_events_seq_key" ON "access_events"("seq");

-- CreateIndex
CREATE INDEX "access_events_secret_id_occurred_at_seq_idx" ON "access_events"("secret_id", "occurred_at", "seq");

-- CreateIndex
CREATE INDEX "access_events_principal_occurred_at_seq_idx" ON "access_events"("principal", "occurred_at", "seq");

-- CreateIndex
CREATE INDEX "access_events_event_name_occurred_at_seq_idx" ON "access_events"("event_name", "occurred_at", "seq");

-- CreateIndex
CREATE INDEX "access_events_occurred_at_seq_idx" ON "access_events"("occurred_at", "seq");
