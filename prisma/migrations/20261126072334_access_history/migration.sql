-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "last_read_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "systems" ADD COLUMN     "principals" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "access_events" (
    "id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider_event_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "event_name" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "principal_type" TEXT NOT NULL DEFAULT '',
    "source_ip" TEXT,
    "user_agent" TEXT,
    "secret_ref" TEXT NOT NULL,
    "secret_id" UUID,
    "error_code" TEXT,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_ingestion_cursors" (
    "connection_id" UUID NOT NULL,
    "last_event_time" TIMESTAMPTZ(3),
    "last_run_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "data_access_logs_seen" BOOLEAN NOT NULL DEFAULT false,
    "completed_runs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "access_ingestion_cursors_pkey" PRIMARY KEY ("connection_id")
);

-- CreateIndex
CREATE INDEX "access_events_secret_id_occurred_at_idx" ON "access_events"("secret_id", "occurred_at");

-- CreateIndex
CREATE INDEX "access_events_principal_occurred_at_idx" ON "access_events"("principal", "occurred_at");

-- CreateIndex
CREATE INDEX "access_events_occurred_at_idx" ON "access_events"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "access_events_connection_id_provider_event_id_key" ON "access_events"("connection_id", "provider_event_id");

-- CreateIndex
CREATE INDEX "secrets_last_read_at_id_idx" ON "secrets"("last_read_at", "id");

-- AddForeignKey
ALTER TABLE "access_events" ADD CONSTRAINT "access_events_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_events" ADD CONSTRAINT "access_events_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "access_ingestion_cursors" ADD CONSTRAINT "access_ingestion_cursors_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
