-- CreateEnum
CREATE TYPE "ConnectionKind" AS ENUM ('aws', 'gcp', 'local');

-- CreateEnum
CREATE TYPE "ValueSource" AS ENUM ('entered', 'generated');

-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "connection_id" UUID;

-- CreateTable
CREATE TABLE "provider_connections" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ConnectionKind" NOT NULL,
    "region" TEXT,
    "role_arn" TEXT,
    "project_id" TEXT,
    "location" TEXT,
    "endpoint" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "secret_versions" (
    "id" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider_ref" TEXT NOT NULL,
    "provider_version_id" TEXT NOT NULL,
    "idempotency_token" UUID NOT NULL,
    "source" "ValueSource" NOT NULL,
    "fingerprint" BYTEA,
    "note" TEXT NOT NULL DEFAULT '',
    "created_by_id" UUID,
    "created_by_email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "secret_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pending_value_writes" (
    "idempotency_token" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome_unknown" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "pending_value_writes_pkey" PRIMARY KEY ("idempotency_token")
);

-- CreateIndex
CREATE UNIQUE INDEX "provider_connections_name_key" ON "provider_connections"("name");

-- CreateIndex
CREATE UNIQUE INDEX "secret_versions_idempotency_token_key" ON "secret_versions"("idempotency_token");

-- CreateIndex
CREATE INDEX "secret_versions_secret_id_created_at_idx" ON "secret_versions"("secret_id", "created_at");

-- CreateIndex
CREATE INDEX "secret_versions_fingerprint_idx" ON "secret_versions"("fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "secret_versions_secret_id_provider_version_id_key" ON "secret_versions"("secret_id", "provider_version_id");

-- CreateIndex
CREATE INDEX "pending_value_writes_secret_id_idx" ON "pending_value_writes"("secret_id");

-- CreateIndex
CREATE INDEX "secrets_connection_id_idx" ON "secrets"("connection_id");

-- AddForeignKey
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_versions" ADD CONSTRAINT "secret_versions_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
