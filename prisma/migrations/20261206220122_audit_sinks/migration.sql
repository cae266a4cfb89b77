-- CreateEnum
CREATE TYPE "AuditSinkKind" AS ENUM ('syslog', 'otlp', 'webhook');

-- CreateTable
CREATE TABLE "audit_sinks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AuditSinkKind" NOT NULL,
    "endpoint" TEXT NOT NULL,
    "allow_plaintext" BOOLEAN NOT NULL DEFAULT false,
    "ca_pem" TEXT,
    "server_name" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "start_seq" BIGINT NOT NULL,
    "acked_seq" BIGINT NOT NULL,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_sinks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_sinks_name_key" ON "audit_sinks"("name");
