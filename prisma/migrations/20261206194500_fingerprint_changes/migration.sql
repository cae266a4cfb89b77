-- Issue 16 (leak check): each server process keeps an in-memory filter of the first 8
-- bytes of every stored fingerprint (lib/leak/fingerprint-filter.ts), so only likely
-- matches reach the exact lookup. The filter is loaded together with this counter in one
-- statement, and the matcher reads the counter again before each batch: when it moved,
-- the filter is loaded again.
--
-- A row, not a sequence: the bump is an UPDATE in the writing transaction, so the new
-- count becomes visible exactly when the changed fingerprints do (at commit), never
-- before. Writers of fingerprints take turns on this row until they commit (versions are
-- written one at a time, backfills in small batches: no hot path waits long).
-- The function body spells semicolons as \073 (the wasm schema engine splits scripts
-- on every literal semicolon). Not modelled by Prisma: the triggers and the first row.

CREATE TABLE "fingerprint_changes" (
    "id" SMALLINT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "fingerprint_changes_pkey" PRIMARY KEY ("id")
);

INSERT INTO "fingerprint_changes" ("id", "n") VALUES (1, 0);

CREATE FUNCTION fingerprint_changes_bump() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  UPDATE fingerprint_changes SET n = n + 1 WHERE id = 1\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER fingerprint_changes_bump AFTER INSERT OR UPDATE OF "fingerprint" OR DELETE ON "secret_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION fingerprint_changes_bump();
CREATE TRIGGER fingerprint_changes_bump_truncate AFTER TRUNCATE ON "secret_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION fingerprint_changes_bump();
CREATE TRIGGER fingerprint_changes_bump AFTER INSERT OR UPDATE OF "fingerprint" OR DELETE ON "provider_version_fingerprints"
  FOR EACH STATEMENT EXECUTE FUNCTION fingerprint_changes_bump();
CREATE TRIGGER fingerprint_changes_bump_truncate AFTER TRUNCATE ON "provider_version_fingerprints"
  FOR EACH STATEMENT EXECUTE FUNCTION fingerprint_changes_bump();
