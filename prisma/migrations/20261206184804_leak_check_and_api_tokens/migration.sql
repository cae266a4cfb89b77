-- CreateEnum
CREATE TYPE "LeakScanKind" AS ENUM ('paste', 'upload', 'git_bundle', 'cli');

-- CreateEnum
CREATE TYPE "LeakSeverity" AS ENUM ('current_value', 'previous_value', 'pattern');

-- AlterTable
ALTER TABLE "incidents" ADD COLUMN     "leak_finding_id" UUID;

-- AlterTable
ALTER TABLE "pending_value_writes" ADD COLUMN     "fingerprint_key_id" VARCHAR(16);

-- AlterTable
ALTER TABLE "provider_connections" ADD COLUMN     "fingerprint_backfill" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "fingerprint_backfill_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "secret_versions" ADD COLUMN     "fingerprint_key_id" VARCHAR(16);

-- CreateTable
CREATE TABLE "provider_version_fingerprints" (
    "secret_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider_version_id" TEXT NOT NULL,
    "fingerprint" BYTEA NOT NULL,
    "key_id" VARCHAR(16) NOT NULL,
    "stage" VARCHAR(16) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_version_fingerprints_pkey" PRIMARY KEY ("secret_id","provider_version_id","key_id")
);

-- CreateTable
CREATE TABLE "leak_scans" (
    "id" UUID NOT NULL,
    "kind" "LeakScanKind" NOT NULL,
    "label" TEXT NOT NULL,
    "status" "ScanStatus" NOT NULL DEFAULT 'running',
    "started_by_id" UUID,
    "started_by_email" TEXT,
    "token_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "bytes_scanned" BIGINT NOT NULL DEFAULT 0,
    "files_scanned" INTEGER NOT NULL DEFAULT 0,
    "commits_scanned" INTEGER NOT NULL DEFAULT 0,
    "candidates" INTEGER NOT NULL DEFAULT 0,
    "finding_count" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "leak_scans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leak_findings" (
    "id" UUID NOT NULL,
    "scan_id" UUID NOT NULL,
    "severity" "LeakSeverity" NOT NULL,
    "secret_id" UUID,
    "provider_version_id" TEXT,
    "version_id" UUID,
    "rule_id" TEXT,
    "path" TEXT NOT NULL DEFAULT '',
    "line" INTEGER,
    "commit_sha" VARCHAR(64),
    "author_date" TIMESTAMPTZ(3),
    "preview" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "leak_findings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "scopes" TEXT[],
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "last_used_ip" TEXT,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "provider_version_fingerprints_fingerprint_idx" ON "provider_version_fingerprints"("fingerprint");

-- CreateIndex
CREATE INDEX "provider_version_fingerprints_connection_id_idx" ON "provider_version_fingerprints"("connection_id");

-- CreateIndex
CREATE INDEX "leak_scans_started_at_id_idx" ON "leak_scans"("started_at", "id");

-- CreateIndex
CREATE INDEX "leak_scans_started_by_id_started_at_idx" ON "leak_scans"("started_by_id", "started_at");

-- CreateIndex
CREATE INDEX "leak_findings_scan_id_severity_id_idx" ON "leak_findings"("scan_id", "severity", "id");

-- CreateIndex
CREATE INDEX "leak_findings_secret_id_created_at_idx" ON "leak_findings"("secret_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_created_at_idx" ON "api_tokens"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_leak_finding_id_fkey" FOREIGN KEY ("leak_finding_id") REFERENCES "leak_findings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_version_fingerprints" ADD CONSTRAINT "provider_version_fingerprints_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leak_findings" ADD CONSTRAINT "leak_findings_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "leak_scans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
