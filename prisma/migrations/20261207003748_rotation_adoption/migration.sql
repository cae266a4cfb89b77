-- CreateEnum
CREATE TYPE "StragglerPolicy" AS ENUM ('retire', 'extend_once', 'hold');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "RotationStrategy" ADD VALUE 'mysql_user';
ALTER TYPE "RotationStrategy" ADD VALUE 'alternating_users';

-- AlterTable
ALTER TABLE "rotation_runs" ADD COLUMN     "adoption_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "grace_extended_at" TIMESTAMPTZ(3),
ADD COLUMN     "held_at" TIMESTAMPTZ(3),
ADD COLUMN     "new_user" TEXT,
ADD COLUMN     "retiring_user" TEXT;

-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "straggler_policy" "StragglerPolicy" NOT NULL DEFAULT 'retire';

-- CreateTable
CREATE TABLE "rotation_adoptions" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "consumer_key" TEXT NOT NULL,
    "system_id" UUID,
    "label" TEXT NOT NULL,
    "declared" BOOLEAN NOT NULL,
    "observable" BOOLEAN NOT NULL DEFAULT true,
    "moved_at" TIMESTAMPTZ(3),
    "on_old" BOOLEAN NOT NULL DEFAULT false,
    "old_seen_at" TIMESTAMPTZ(3),
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rotation_adoptions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rotation_adoptions_system_id_idx" ON "rotation_adoptions"("system_id");

-- CreateIndex
CREATE UNIQUE INDEX "rotation_adoptions_run_id_consumer_key_key" ON "rotation_adoptions"("run_id", "consumer_key");

-- CreateIndex
CREATE INDEX "rotation_runs_held_at_idx" ON "rotation_runs"("held_at");

-- AddForeignKey
ALTER TABLE "rotation_adoptions" ADD CONSTRAINT "rotation_adoptions_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "rotation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rotation_adoptions" ADD CONSTRAINT "rotation_adoptions_system_id_fkey" FOREIGN KEY ("system_id") REFERENCES "systems"("id") ON DELETE SET NULL ON UPDATE CASCADE;
