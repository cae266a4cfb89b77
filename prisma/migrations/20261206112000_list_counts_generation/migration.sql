-- Issue 14: the inventory's counts are cached per view in each server process
-- (lib/db/list-counts-cache.ts), keyed by this generation, which every statement that
-- changes what the counts read (secrets, their consumers, environments:
-- lib/data/sql/secret-list.ts) moves forward. A process reads it with every lookup, so a
-- write on any instance is seen by every other on its next request.
--
-- A sequence, not a counter row: nextval never waits, so writers are not serialised by
-- it and it can add no deadlock. But nextval is not transactional: a reader may see the
-- new generation before the change commits. So a writer also holds this advisory lock
-- (shared: writers never wait for each other) from just before it moves the generation
-- until it commits, and a reader stores counts only when it found the lock free in the
-- statement that read the generation: then every change at or below that generation has
-- committed. (Lock key 727003: lib/db/list-counts-cache.ts.)
-- Not in schema.prisma: Prisma does not model sequences of their own, nor triggers.
-- Bodies spell semicolons as \073 inside E'' strings (the wasm schema engine splits
-- scripts on every literal semicolon).

CREATE SEQUENCE list_counts_generation;

CREATE FUNCTION list_counts_generation_bump() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  PERFORM pg_advisory_xact_lock_shared(727003)\073
  PERFORM nextval(''list_counts_generation'')\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER list_counts_generation_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "secrets"
  FOR EACH STATEMENT EXECUTE FUNCTION list_counts_generation_bump();
CREATE TRIGGER list_counts_generation_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "secret_consumers"
  FOR EACH STATEMENT EXECUTE FUNCTION list_counts_generation_bump();
CREATE TRIGGER list_counts_generation_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "environments"
  FOR EACH STATEMENT EXECUTE FUNCTION list_counts_generation_bump();
