-- CreateEnum
CREATE TYPE "ScanStatus" AS ENUM ('running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "ScanTrigger" AS ENUM ('manual', 'scheduled');

-- DropIndex
DROP INDEX "secrets_connection_id_idx";

-- AlterTable
ALTER TABLE "provider_connections" ADD COLUMN     "scan_interval_hours" INTEGER;

-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "provider_key" TEXT NOT NULL DEFAULT '';

-- Existing references reduced as lib/discovery/provider-key.ts does: trimmed, an AWS
-- full ARN reduced to the name without its 6-character suffix, a GCP resource name
-- reduced to the secret id.
UPDATE "secrets" SET "provider_key" = CASE
  WHEN "provider_kind" = 'aws' AND btrim("provider_ref") ~ '^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$'
    THEN regexp_replace(substring(btrim("provider_ref") from '^arn:aws(?:-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:(.+)$'), '-[A-Za-z0-9]{6}$', '')
  WHEN "provider_kind" = 'gcp' AND btrim("provider_ref") ~ '^projects/[^/]+/(locations/[^/]+/)?secrets/[A-Za-z0-9_-]{1,255}(/versions/[^/]+)?$'
    THEN substring(btrim("provider_ref") from '^projects/[^/]+/(?:locations/[^/]+/)?secrets/([A-Za-z0-9_-]{1,255})(?:/versions/[^/]+)?$')
  ELSE btrim("provider_ref")
END;

-- CreateTable
CREATE TABLE "discovery_scans" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "trigger" "ScanTrigger" NOT NULL,
    "started_by_id" UUID,
    "started_by_email" TEXT,
    "status" "ScanStatus" NOT NULL DEFAULT 'running',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "page_token" TEXT,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "seen" INTEGER NOT NULL DEFAULT 0,
    "provider_calls" INTEGER NOT NULL DEFAULT 0,
    "throttled" INTEGER NOT NULL DEFAULT 0,
    "unmanaged" INTEGER,
    "new_unmanaged" INTEGER,
    "gone" INTEGER,
    "error_code" VARCHAR(32),
    "error" TEXT,

    CONSTRAINT "discovery_scans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "discovered_secrets" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider_key" TEXT NOT NULL,
    "resource_name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB,
    "rotation_enabled" BOOLEAN,
    "rotation_schedule" TEXT,
    "next_rotation_at" TIMESTAMPTZ(3),
    "last_rotated_at" TIMESTAMPTZ(3),
    "created_at_provider" TIMESTAMPTZ(3),
    "last_changed_at" TIMESTAMPTZ(3),
    "last_accessed_at" TIMESTAMPTZ(3),
    "deletion_at" TIMESTAMPTZ(3),
    "expire_at" TIMESTAMPTZ(3),
    "replication" TEXT,
    "current_version_id" TEXT,
    "version_count" INTEGER,
    "newest_version_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_scan_id" UUID NOT NULL,
    "gone_at" TIMESTAMPTZ(3),
    "ignored_at" TIMESTAMPTZ(3),
    "ignored_by_email" TEXT,
    "ignored_reason" TEXT,
    "search_text" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "discovered_secrets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "discovery_scans_connection_id_started_at_idx" ON "discovery_scans"("connection_id", "started_at");

-- CreateIndex
CREATE INDEX "discovery_scans_connection_id_status_idx" ON "discovery_scans"("connection_id", "status");

-- CreateIndex
CREATE INDEX "discovered_secrets_last_scan_id_idx" ON "discovered_secrets"("last_scan_id");

-- CreateIndex
CREATE INDEX "discovered_secrets_provider_key_id_idx" ON "discovered_secrets"("provider_key", "id");

-- CreateIndex
CREATE INDEX "discovered_secrets_first_seen_at_id_idx" ON "discovered_secrets"("first_seen_at", "id");

-- CreateIndex
CREATE INDEX "discovered_secrets_search_text_trgm_idx" ON "discovered_secrets" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "discovered_secrets_connection_id_provider_key_key" ON "discovered_secrets"("connection_id", "provider_key");

-- CreateIndex
CREATE INDEX "secrets_connection_id_provider_key_idx" ON "secrets"("connection_id", "provider_key");

-- AddForeignKey
ALTER TABLE "discovery_scans" ADD CONSTRAINT "discovery_scans_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discovered_secrets" ADD CONSTRAINT "discovered_secrets_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
