-- CreateEnum
CREATE TYPE "ApprovalKind" AS ENUM ('value_write', 'rotation');

-- CreateEnum
CREATE TYPE "ApprovalState" AS ENUM ('pending', 'approved', 'refused', 'used', 'cancelled');

-- AlterTable
ALTER TABLE "classification_policies" ADD COLUMN     "require_approval" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "change_approvals" (
    "id" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "kind" "ApprovalKind" NOT NULL,
    "state" "ApprovalState" NOT NULL DEFAULT 'pending',
    "requested_by_id" UUID NOT NULL,
    "requested_by_email" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "decided_by_id" UUID,
    "decided_by_email" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT NOT NULL DEFAULT '',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "change_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "change_approvals_secret_id_state_created_at_idx" ON "change_approvals"("secret_id", "state", "created_at");

-- CreateIndex
CREATE INDEX "change_approvals_secret_id_requested_by_id_kind_state_idx" ON "change_approvals"("secret_id", "requested_by_id", "kind", "state");

-- AddForeignKey
ALTER TABLE "change_approvals" ADD CONSTRAINT "change_approvals_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
