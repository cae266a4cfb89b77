-- AlterTable
ALTER TABLE "rotation_runs" ADD COLUMN     "inputs" JSONB;

-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "db_admin_credential" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "database_hosts" (
    "id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "allow_insecure_tls" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT NOT NULL DEFAULT '',
    "created_by_email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "database_hosts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "database_hosts_host_key" ON "database_hosts"("host");

-- Runs that exist already get the inputs they would have been given at start, from the
-- secret as it is now (lib/rotation/inputs.ts reads this shape). The admin credential is
-- recorded as configured, and the engine still checks it is a marked admin credential of the
-- run's connection before using it.
UPDATE "rotation_runs" r SET "inputs" = jsonb_build_object(
    'providerRef', s."provider_ref",
    'connection', jsonb_build_object(
        'id', c."id", 'name', c."name", 'kind', c."kind", 'region', c."region", 'roleArn', c."role_arn",
        'projectId', c."project_id", 'location', c."location", 'endpoint', c."endpoint"),
    'strategy', r."strategy",
    'config', s."rotation_config",
    'admin', (SELECT jsonb_build_object('secretId', a."id", 'providerRef', a."provider_ref")
              FROM "secrets" a
              WHERE r."strategy" = 'postgres_role' AND a."id"::text = s."rotation_config"->>'adminSecretId'))
FROM "secrets" s JOIN "provider_connections" c ON c."id" = s."connection_id"
WHERE s."id" = r."secret_id";
