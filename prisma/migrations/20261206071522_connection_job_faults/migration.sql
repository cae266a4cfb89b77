-- CreateTable
CREATE TABLE "connection_job_faults" (
    "connection_id" UUID NOT NULL,
    "job" VARCHAR(64) NOT NULL,
    "code" VARCHAR(32) NOT NULL,
    "message" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "connection_job_faults_pkey" PRIMARY KEY ("connection_id","job")
);

-- AddForeignKey
ALTER TABLE "connection_job_faults" ADD CONSTRAINT "connection_job_faults_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "provider_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
