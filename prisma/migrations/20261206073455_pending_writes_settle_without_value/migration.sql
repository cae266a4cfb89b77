-- Issue 12: a pending write holds everything the worker's sweep (lib/jobs/settle-pending-writes.ts)
-- needs to settle it without its value when its process died between the provider call and
-- the commit: where it went, what it was, who asked, the keyed fingerprint, the approval it
-- used, and when it can no longer be in flight (settle_after). Version changes get rows too.
-- Rows from before this migration keep settle_after NULL: a resubmit settles them, as before.

-- CreateEnum
CREATE TYPE "PendingWriteKind" AS ENUM ('value_write', 'version_change');

-- AlterTable
ALTER TABLE "pending_value_writes" ADD COLUMN     "actor_email" TEXT,
ADD COLUMN     "actor_id" UUID,
ADD COLUMN     "actor_role" "Role",
ADD COLUMN     "approval_id" UUID,
ADD COLUMN     "change" TEXT,
ADD COLUMN     "connection_id" UUID,
ADD COLUMN     "fingerprint" BYTEA,
ADD COLUMN     "kind" "PendingWriteKind" NOT NULL DEFAULT 'value_write',
ADD COLUMN     "note" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "provider_ref" TEXT,
ADD COLUMN     "settle_after" TIMESTAMPTZ(3),
ADD COLUMN     "source" "ValueSource",
ADD COLUMN     "version_id" TEXT;

-- CreateIndex
CREATE INDEX "pending_value_writes_settle_after_idx" ON "pending_value_writes"("settle_after");
