-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "before" TIMESTAMPTZ(3) NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,
    "legacy_max_id" BIGINT,
    "events_purged" BIGINT NOT NULL,
    "file" TEXT NOT NULL,
    "file_sha256" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- npm run audit:purge deletes old events after exporting them. The append-only trigger
-- lets a DELETE through only when the transaction says so (SET LOCAL audit.purge = on)
-- AND the row is covered by a checkpoint (its seq, or for legacy rows its id, at or below
-- the newest checkpoint), so every purge leaves a checkpoint row behind. UPDATE and
-- TRUNCATE stay refused. Semicolons spelled \073 as in the init migration.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' AND current_setting(''audit.purge'', true) = ''on'' AND (
       (OLD.seq IS NOT NULL AND OLD.seq <= (SELECT max(c.seq) FROM audit_checkpoints c))
    OR (OLD.seq IS NULL AND OLD.id <= (SELECT max(c.legacy_max_id) FROM audit_checkpoints c))) THEN
    RETURN OLD\073
  END IF\073
  RAISE EXCEPTION ''audit_events is append-only: % is not allowed'', TG_OP
    USING ERRCODE = ''insufficient_privilege''\073
END\073
';
