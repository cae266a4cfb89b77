-- AlterTable
ALTER TABLE "secrets" ALTER COLUMN "updated_at" SET DEFAULT CURRENT_TIMESTAMP;

-- updated_at says when what a person edits last changed: the edit form compares it to
-- refuse a save across someone else's, and the detail page shows it as "last changed".
-- Prisma's @updatedAt moved it on every write, the worker's notice marks included, so an
-- engineer's save failed after the worker looked at the secret. This trigger moves it when
-- a column of the edit form changes, whoever writes it (a person, a rotation's new date,
-- raw SQL). Any other column (the worker's bookkeeping, and columns added for it later)
-- leaves it alone. Consumers live in secret_consumers, so updateSecret sets updated_at itself.
-- test/integration/secrets.test.ts checks every column of secrets is either listed here
-- or known not to be an edit.
CREATE FUNCTION secrets_edited_at() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  IF (NEW.name, NEW.description, NEW.environment_id, NEW.owner_team_id, NEW.contact_person,
      NEW.classification, NEW.status, NEW.provider_kind, NEW.provider_ref, NEW.connection_id,
      NEW.last_rotated_at, NEW.rotation_interval_days, NEW.rotation_strategy, NEW.rotation_config,
      NEW.grace_hours, NEW.reminder_days, NEW.auto_rotate, NEW.tags)
     IS DISTINCT FROM
     (OLD.name, OLD.description, OLD.environment_id, OLD.owner_team_id, OLD.contact_person,
      OLD.classification, OLD.status, OLD.provider_kind, OLD.provider_ref, OLD.connection_id,
      OLD.last_rotated_at, OLD.rotation_interval_days, OLD.rotation_strategy, OLD.rotation_config,
      OLD.grace_hours, OLD.reminder_days, OLD.auto_rotate, OLD.tags) THEN
    NEW.updated_at := now()\073
  END IF\073
  RETURN NEW\073
END
';

CREATE TRIGGER secrets_edited_at
  BEFORE UPDATE ON "secrets"
  FOR EACH ROW EXECUTE FUNCTION secrets_edited_at();
