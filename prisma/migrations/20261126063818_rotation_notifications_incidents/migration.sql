-- CreateEnum
CREATE TYPE "RotationStrategy" AS ENUM ('manual', 'generated', 'postgres_role', 'provider_native');

-- CreateEnum
CREATE TYPE "RotationTrigger" AS ENUM ('manual', 'scheduled', 'emergency');

-- CreateEnum
CREATE TYPE "RotationState" AS ENUM ('requested', 'awaiting_value', 'value_written', 'verified', 'in_grace', 'awaiting_revocation', 'completed', 'failed', 'rolled_back', 'cancelled');

-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('webhook', 'slack');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

-- CreateEnum
CREATE TYPE "IncidentStep" AS ENUM ('revoke', 'replace', 'redeploy', 'review_access', 'notify', 'write_up');

-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "active_rotation_id" UUID,
ADD COLUMN     "auto_rotate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "grace_hours" INTEGER,
ADD COLUMN     "overdue_notice_for_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "reminded_for_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "reminder_days" INTEGER,
ADD COLUMN     "rotation_config" JSONB,
ADD COLUMN     "rotation_strategy" "RotationStrategy" NOT NULL DEFAULT 'manual';

-- CreateTable
CREATE TABLE "classification_policies" (
    "classification" "Classification" NOT NULL,
    "interval_days" INTEGER NOT NULL,
    "grace_hours" INTEGER NOT NULL,
    "reminder_days" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "classification_policies_pkey" PRIMARY KEY ("classification")
);

-- CreateTable
CREATE TABLE "rotation_runs" (
    "id" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "strategy" "RotationStrategy" NOT NULL,
    "trigger" "RotationTrigger" NOT NULL,
    "state" "RotationState" NOT NULL DEFAULT 'requested',
    "grace_hours" INTEGER NOT NULL,
    "write_token" UUID NOT NULL,
    "previous_version_id" TEXT,
    "prior_last_rotated_at" TIMESTAMPTZ(3),
    "new_version_id" TEXT,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "failure_code" TEXT,
    "failure_message" TEXT,
    "requested_by_id" UUID,
    "requested_by_email" TEXT,
    "confirmed_by_email" TEXT,
    "revoked_by_email" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "promoted_at" TIMESTAMPTZ(3),
    "grace_ends_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rotation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ChannelKind" NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "rotation_run_id" UUID,
    "reason" TEXT NOT NULL,
    "opened_by_id" UUID,
    "opened_by_email" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_step_checks" (
    "incident_id" UUID NOT NULL,
    "step" "IncidentStep" NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_by_email" TEXT,
    "note" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "incident_step_checks_pkey" PRIMARY KEY ("incident_id","step")
);

-- CreateTable
CREATE TABLE "rotation_health_snapshots" (
    "day" DATE NOT NULL,
    "total" INTEGER NOT NULL,
    "within_policy" INTEGER NOT NULL,
    "overdue" INTEGER NOT NULL,
    "never_rotated" INTEGER NOT NULL,
    "no_policy" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rotation_health_snapshots_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE UNIQUE INDEX "rotation_runs_write_token_key" ON "rotation_runs"("write_token");

-- CreateIndex
CREATE INDEX "rotation_runs_secret_id_created_at_idx" ON "rotation_runs"("secret_id", "created_at");

-- CreateIndex
CREATE INDEX "rotation_runs_state_next_attempt_at_idx" ON "rotation_runs"("state", "next_attempt_at");

-- CreateIndex
CREATE INDEX "rotation_runs_state_grace_ends_at_idx" ON "rotation_runs"("state", "grace_ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_name_key" ON "notification_channels"("name");

-- CreateIndex
CREATE INDEX "notification_deliveries_channel_id_created_at_idx" ON "notification_deliveries"("channel_id", "created_at");

-- CreateIndex
CREATE INDEX "notification_deliveries_status_created_at_idx" ON "notification_deliveries"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_rotation_run_id_key" ON "incidents"("rotation_run_id");

-- CreateIndex
CREATE INDEX "incidents_secret_id_opened_at_idx" ON "incidents"("secret_id", "opened_at");

-- CreateIndex
CREATE INDEX "incidents_closed_at_opened_at_idx" ON "incidents"("closed_at", "opened_at");

-- CreateIndex
CREATE UNIQUE INDEX "secrets_active_rotation_id_key" ON "secrets"("active_rotation_id");

-- AddForeignKey
ALTER TABLE "rotation_runs" ADD CONSTRAINT "rotation_runs_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_rotation_run_id_fkey" FOREIGN KEY ("rotation_run_id") REFERENCES "rotation_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_step_checks" ADD CONSTRAINT "incident_step_checks_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rotation defaults per classification (editable by admins).
INSERT INTO "classification_policies" ("classification", "interval_days", "grace_hours", "reminder_days", "updated_at") VALUES
  ('critical', 90, 24, 14, CURRENT_TIMESTAMP),
  ('important', 90, 24, 14, CURRENT_TIMESTAMP),
  ('sensitive', 180, 24, 14, CURRENT_TIMESTAMP);
