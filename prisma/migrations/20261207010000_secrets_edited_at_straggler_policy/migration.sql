-- The straggler policy is a column of the edit form: a change to it is an edit and moves
-- updated_at (see 20261206052037_secrets_updated_at_tracks_edits).
CREATE OR REPLACE FUNCTION secrets_edited_at() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  IF (NEW.name, NEW.description, NEW.environment_id, NEW.owner_team_id, NEW.contact_person,
      NEW.classification, NEW.status, NEW.provider_kind, NEW.provider_ref, NEW.connection_id,
      NEW.last_rotated_at, NEW.rotation_interval_days, NEW.rotation_strategy, NEW.rotation_config,
      NEW.grace_hours, NEW.reminder_days, NEW.auto_rotate, NEW.tags,
      NEW.expires_at, NEW.expiry_source, NEW.certificate_subject, NEW.certificate_issuer,
      NEW.straggler_policy)
     IS DISTINCT FROM
     (OLD.name, OLD.description, OLD.environment_id, OLD.owner_team_id, OLD.contact_person,
      OLD.classification, OLD.status, OLD.provider_kind, OLD.provider_ref, OLD.connection_id,
      OLD.last_rotated_at, OLD.rotation_interval_days, OLD.rotation_strategy, OLD.rotation_config,
      OLD.grace_hours, OLD.reminder_days, OLD.auto_rotate, OLD.tags,
      OLD.expires_at, OLD.expiry_source, OLD.certificate_subject, OLD.certificate_issuer,
      OLD.straggler_policy) THEN
    NEW.updated_at := now()\073
  END IF\073
  RETURN NEW\073
END
';
