-- CreateEnum
CREATE TYPE "PendingWriteKind" AS ENUM ('value_write', 'version_change');

-- AlterTable
ALTER TABLE "pending_value_writes" ADD COLUMN     "actor_email" TEXT,
ADD COLUMN     "actor_id" UUID,
ADD COLUMN     "actor_role" "Role",
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
