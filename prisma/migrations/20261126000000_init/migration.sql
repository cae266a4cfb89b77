-- pg_trgm backs the free-text search index on secrets.search_text.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'engineer', 'viewer', 'auditor');

-- CreateEnum
CREATE TYPE "UserStatus" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "Classification" AS ENUM ('critical', 'important', 'sensitive');

-- CreateEnum
CREATE TYPE "SecretStatus" AS ENUM ('active', 'compromised', 'deprecated', 'decommissioned');

-- CreateEnum
CREATE TYPE "SystemStatus" AS ENUM ('active', 'decommissioned');

-- CreateEnum
CREATE TYPE "ProviderKind" AS ENUM ('aws', 'gcp', 'local', 'other');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('success', 'denied', 'failed');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "status" "UserStatus" NOT NULL DEFAULT 'active',
    "password_hash" TEXT,
    "oidc_subject" TEXT,
    "invite_code_hash" TEXT,
    "invite_expires" TIMESTAMPTZ(3),
    "last_sign_in_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setup_tokens" (
    "id" SERIAL NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "setup_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "teams" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environments" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "systems" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "owner_team_id" UUID NOT NULL,
    "status" "SystemStatus" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "systems_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "secrets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "environment_id" UUID NOT NULL,
    "owner_team_id" UUID NOT NULL,
    "contact_person" TEXT,
    "classification" "Classification" NOT NULL,
    "status" "SecretStatus" NOT NULL DEFAULT 'active',
    "provider_kind" "ProviderKind" NOT NULL DEFAULT 'other',
    "provider_ref" TEXT NOT NULL DEFAULT '',
    "last_rotated_at" TIMESTAMPTZ(3),
    "rotation_interval_days" INTEGER,
    "next_due_at" TIMESTAMPTZ(3),
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "search_text" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "secrets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "secret_consumers" (
    "secret_id" UUID NOT NULL,
    "system_id" UUID NOT NULL,

    CONSTRAINT "secret_consumers_pkey" PRIMARY KEY ("secret_id","system_id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_email" TEXT,
    "actor_role" "Role",
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "environment" TEXT,
    "outcome" "AuditOutcome" NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,
    "request_id" TEXT,
    "changes" JSONB,
    "detail" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "users_oidc_subject_key" ON "users"("oidc_subject");

-- CreateIndex
CREATE UNIQUE INDEX "setup_tokens_token_hash_key" ON "setup_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "teams_name_key" ON "teams"("name");

-- CreateIndex
CREATE UNIQUE INDEX "environments_name_key" ON "environments"("name");

-- CreateIndex
CREATE UNIQUE INDEX "systems_name_key" ON "systems"("name");

-- CreateIndex
CREATE INDEX "systems_owner_team_id_idx" ON "systems"("owner_team_id");

-- CreateIndex
CREATE INDEX "secrets_name_id_idx" ON "secrets"("name", "id");

-- CreateIndex
CREATE INDEX "secrets_owner_team_id_name_id_idx" ON "secrets"("owner_team_id", "name", "id");

-- CreateIndex
CREATE INDEX "secrets_classification_name_id_idx" ON "secrets"("classification", "name", "id");

-- CreateIndex
CREATE INDEX "secrets_status_name_id_idx" ON "secrets"("status", "name", "id");

-- CreateIndex
CREATE INDEX "secrets_next_due_at_id_idx" ON "secrets"("next_due_at", "id");

-- CreateIndex
CREATE INDEX "secrets_last_rotated_at_id_idx" ON "secrets"("last_rotated_at", "id");

-- CreateIndex
CREATE INDEX "secrets_updated_at_id_idx" ON "secrets"("updated_at", "id");

-- CreateIndex
CREATE INDEX "secrets_tags_idx" ON "secrets" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "secrets_search_text_trgm_idx" ON "secrets" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "secrets_environment_id_name_key" ON "secrets"("environment_id", "name");

-- CreateIndex
CREATE INDEX "secret_consumers_system_id_secret_id_idx" ON "secret_consumers"("system_id", "secret_id");

-- CreateIndex
CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events"("occurred_at");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_id_idx" ON "audit_events"("actor_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_action_id_idx" ON "audit_events"("action", "id");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_id_idx" ON "audit_events"("target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_outcome_id_idx" ON "audit_events"("outcome", "id");

-- AddForeignKey
ALTER TABLE "systems" ADD CONSTRAINT "systems_owner_team_id_fkey" FOREIGN KEY ("owner_team_id") REFERENCES "teams"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_owner_team_id_fkey" FOREIGN KEY ("owner_team_id") REFERENCES "teams"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_consumers" ADD CONSTRAINT "secret_consumers_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_consumers" ADD CONSTRAINT "secret_consumers_system_id_fkey" FOREIGN KEY ("system_id") REFERENCES "systems"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Environments are data, not an enum: these are the defaults a new install starts with.
INSERT INTO "environments" ("id", "name", "position") VALUES
  (gen_random_uuid(), 'development', 10),
  (gen_random_uuid(), 'staging', 20),
  (gen_random_uuid(), 'production', 30);

-- The audit trail is append-only. The database itself refuses to rewrite history,
-- whatever the application (or someone with its credentials) tries.
-- The body spells its semicolons as \073 inside an E'' string: the wasm schema engine
-- (scripts/lib/schema-engine.mjs) splits scripts on every literal semicolon.
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''audit_events is append-only: % is not allowed'', TG_OP
    USING ERRCODE = ''insufficient_privilege''\073
END\073
';

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
