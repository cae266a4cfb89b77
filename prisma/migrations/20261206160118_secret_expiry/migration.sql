-- CreateEnum
CREATE TYPE "ExpirySource" AS ENUM ('entered', 'certificate', 'provider_value');

-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "certificate_issuer" TEXT,
ADD COLUMN     "certificate_subject" TEXT,
ADD COLUMN     "expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "expiry_notice_for_at" TIMESTAMPTZ(3),
ADD COLUMN     "expiry_source" "ExpirySource";

-- CreateIndex
CREATE INDEX "secrets_expires_at_id_idx" ON "secrets"("expires_at", "id");

-- The expiry date and the certificate it came from are edits too (the edit form shows them),
-- so they move updated_at like the other columns of the form. The notice mark is bookkeeping.
CREATE OR REPLACE FUNCTION secrets_edited_at() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  IF (NEW.name, NEW.description, NEW.environment_id, NEW.owner_team_id, NEW.contact_person,
      NEW.classification, NEW.status, NEW.provider_kind, NEW.provider_ref, NEW.connection_id,
      NEW.last_rotated_at, NEW.rotation_interval_days, NEW.rotation_strategy, NEW.rotation_config,
      NEW.grace_hours, NEW.reminder_days, NEW.auto_rotate, NEW.tags,
      NEW.expires_at, NEW.expiry_source, NEW.certificate_subject, NEW.certificate_issuer)
     IS DISTINCT FROM
     (OLD.name, OLD.description, OLD.environment_id, OLD.owner_team_id, OLD.contact_person,
      OLD.classification, OLD.status, OLD.provider_kind, OLD.provider_ref, OLD.connection_id,
      OLD.last_rotated_at, OLD.rotation_interval_days, OLD.rotation_strategy, OLD.rotation_config,
      OLD.grace_hours, OLD.reminder_days, OLD.auto_rotate, OLD.tags,
      OLD.expires_at, OLD.expiry_source, OLD.certificate_subject, OLD.certificate_issuer) THEN
    NEW.updated_at := now()\073
  END IF\073
  RETURN NEW\073
END
';
