-- The audit trail survives its own application (README "Database roles"). The server and
-- worker run as a runtime role that may only SELECT and INSERT audit_events, SELECT
-- audit_checkpoints and move audit_chain_head (grants: scripts/lib/db-roles.mjs). What
-- that role may still write is held to the chain here, by functions it cannot change:
--   - the head moves only forward, and only onto events just appended after it, each
--     linked to the one before (audit_chain_head_follows_events)
--   - an event with a seq lands only where that head move put it, never below the head
--     or into a purged range, and only the owner writes an event without one (the
--     legacy rows from before the chain), so none can be slipped in around the chain,
--     say backdated with an id below the chain's first (audit_events_chained_at_head)
--   - DELETE only inside audit_purge(), owned by the owner role, executable by the purge
--     role alone, and only of rows its checkpoint covers. No session setting opens it.
-- Every function names its search_path with pg_temp last: otherwise a temporary table
-- of the caller's (say a fake audit_chain_head) would be read instead of the real one.
-- Bodies spell semicolons as \073 inside E'' strings (the wasm schema engine splits
-- scripts on every literal semicolon), and the tables are the ones in schema public.

CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  IF TG_OP = ''DELETE''
     AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
     AND ((OLD.seq IS NOT NULL AND OLD.seq <= (SELECT max(k.seq) FROM audit_checkpoints k))
       OR (OLD.seq IS NULL AND OLD.id <= (SELECT max(k.legacy_max_id) FROM audit_checkpoints k))) THEN
    RETURN OLD\073
  END IF\073
  RAISE EXCEPTION ''audit_events is append-only: % is not allowed'', TG_OP
    USING ERRCODE = ''insufficient_privilege''\073
END\073
';

-- AFTER, once per statement: lib/audit/chain-append.ts inserts the events and moves the
-- head in one statement, and only at its end are both done.
CREATE FUNCTION audit_events_chained_at_head() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
DECLARE
  stray bigint\073
BEGIN
  IF current_user <> (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = TG_RELID)
     AND EXISTS (SELECT 1 FROM appended n WHERE n.seq IS NULL) THEN
    RAISE EXCEPTION ''audit_events: every event is appended to the hash chain (seq, prev_hash, hash)''
      USING ERRCODE = ''insufficient_privilege''\073
  END IF\073
  SELECT min(n.seq) INTO stray FROM appended n
  WHERE n.seq IS NOT NULL
    AND (n.seq > (SELECT h.seq FROM audit_chain_head h WHERE h.id = 1)
      OR n.seq <= coalesce((SELECT max(k.seq) FROM audit_checkpoints k), 0))\073
  IF stray IS NOT NULL THEN
    RAISE EXCEPTION ''audit_events: seq % is not where the chain head was moved'', stray
      USING ERRCODE = ''insufficient_privilege''\073
  END IF\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER audit_events_chained_at_head
  AFTER INSERT ON "audit_events" REFERENCING NEW TABLE AS appended
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_chained_at_head();

-- The new head must be the last of a run of events seq OLD.seq+1 .. NEW.seq, the first
-- linked to the old head's hash, each to the one before, in time order, with the head
-- taking the last one's hash and time. (Content hashes are computed in Node, and
-- npm run audit:verify checks them.)
CREATE FUNCTION audit_chain_head_follows_events() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
DECLARE
  linked bigint\073
  last_hash bytea\073
  last_time timestamptz\073
BEGIN
  IF NEW.id = OLD.id AND NEW.seq > OLD.seq THEN
    SELECT count(*) FILTER (WHERE s.prev_hash = s.expected_prev AND s.occurred_at >= s.floor),
           (array_agg(s.hash ORDER BY s.seq DESC))[1], (array_agg(s.occurred_at ORDER BY s.seq DESC))[1]
      INTO linked, last_hash, last_time
    FROM (SELECT e.seq, e.prev_hash, e.hash, e.occurred_at,
                 coalesce(lag(e.hash) OVER w, OLD.hash) AS expected_prev,
                 coalesce(lag(e.occurred_at) OVER w, OLD.last_occurred_at, ''-infinity'') AS floor
          FROM audit_events e WHERE e.seq > OLD.seq AND e.seq <= NEW.seq WINDOW w AS (ORDER BY e.seq)) s\073
    IF linked = NEW.seq - OLD.seq AND last_hash = NEW.hash AND last_time = NEW.last_occurred_at THEN
      RETURN NULL\073
    END IF\073
  END IF\073
  RAISE EXCEPTION ''audit_chain_head moves only onto the events appended after it''
    USING ERRCODE = ''insufficient_privilege''\073
END\073
';

CREATE TRIGGER audit_chain_head_follows_events
  AFTER UPDATE ON "audit_chain_head"
  FOR EACH ROW EXECUTE FUNCTION audit_chain_head_follows_events();

-- npm run audit:purge (lib/audit/purge.ts) exports the events and checks their content
-- hashes, then calls this in its transaction. It checks what it can in SQL: the retention
-- period the command checked is still the one set (holding the row), the purged range
-- starts at the newest checkpoint, is complete, linked, all before p_before and ends at
-- p_hash, and legacy rows come before the chain. Then it records the checkpoint and
-- deletes exactly those rows. SECURITY DEFINER: runs as the owner, the only role the
-- trigger above lets delete. EXECUTE is revoked from everyone here, and granted to the
-- purge role by the grants step.
CREATE FUNCTION audit_purge(
  p_before timestamptz, p_retention_days integer, p_through_seq bigint, p_hash bytea, p_legacy_max_id bigint,
  p_events bigint, p_legacy bigint, p_file text, p_file_sha256 text
) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS E'
DECLARE
  retention integer\073
  from_seq bigint\073
  from_hash bytea\073
  head_seq bigint\073
  linked bigint\073
  last_hash bytea\073
  first_chained bigint\073
  deleted bigint\073
  deleted_legacy bigint\073
  checkpoint_id bigint\073
BEGIN
  IF num_nulls(p_before, p_retention_days, p_through_seq, p_hash, p_events, p_legacy, p_file, p_file_sha256) > 0 THEN
    RAISE EXCEPTION ''audit_purge: only the legacy id may be null'' USING ERRCODE = ''null_value_not_allowed''\073
  END IF\073
  SELECT a.retention_days INTO retention FROM audit_settings a WHERE a.id = 1 FOR SHARE\073
  IF retention IS NULL OR retention IS DISTINCT FROM p_retention_days THEN
    RAISE EXCEPTION ''audit_purge: the retention period is not the one the purge checked (%)'', coalesce(retention::text, ''keep forever'')
      USING ERRCODE = ''object_not_in_prerequisite_state''\073
  END IF\073
  -- One purge at a time: the next one starts from this one''s checkpoint.
  LOCK TABLE audit_checkpoints IN SHARE ROW EXCLUSIVE MODE\073
  SELECT k.seq, k.hash INTO from_seq, from_hash FROM audit_checkpoints k ORDER BY k.id DESC LIMIT 1\073
  from_seq := coalesce(from_seq, 0)\073
  from_hash := coalesce(from_hash, decode(repeat(''00'', 32), ''hex''))\073
  SELECT h.seq INTO head_seq FROM audit_chain_head h WHERE h.id = 1\073
  IF p_through_seq < from_seq OR p_through_seq > head_seq THEN
    RAISE EXCEPTION ''audit_purge: seq % is outside the purgeable range % .. %'', p_through_seq, from_seq, head_seq
      USING ERRCODE = ''invalid_parameter_value''\073
  END IF\073
  SELECT count(*) FILTER (WHERE s.prev_hash = s.expected_prev AND s.occurred_at < p_before),
         (array_agg(s.hash ORDER BY s.seq DESC))[1]
    INTO linked, last_hash
  FROM (SELECT e.seq, e.prev_hash, e.hash, e.occurred_at, coalesce(lag(e.hash) OVER w, from_hash) AS expected_prev
        FROM audit_events e WHERE e.seq > from_seq AND e.seq <= p_through_seq WINDOW w AS (ORDER BY e.seq)) s\073
  IF linked <> p_through_seq - from_seq OR linked <> p_events OR coalesce(last_hash, from_hash) <> p_hash THEN
    RAISE EXCEPTION ''audit_purge: events % .. % are not a linked run before % ending at the given hash'', from_seq + 1, p_through_seq, p_before
      USING ERRCODE = ''invalid_parameter_value''\073
  END IF\073
  IF p_legacy_max_id IS NOT NULL THEN
    SELECT min(e.id) INTO first_chained FROM audit_events e WHERE e.seq IS NOT NULL\073
    IF p_legacy_max_id >= first_chained THEN
      RAISE EXCEPTION ''audit_purge: legacy rows end before the chain''''s first event %'', first_chained
        USING ERRCODE = ''invalid_parameter_value''\073
    END IF\073
  END IF\073
  INSERT INTO audit_checkpoints (before, seq, hash, legacy_max_id, events_purged, file, file_sha256)
    VALUES (p_before, p_through_seq, p_hash, p_legacy_max_id, p_events + p_legacy, p_file, p_file_sha256)
    RETURNING id INTO checkpoint_id\073
  DELETE FROM audit_events e WHERE e.seq IS NULL AND e.id <= p_legacy_max_id AND e.occurred_at < p_before\073
  GET DIAGNOSTICS deleted_legacy = ROW_COUNT\073
  DELETE FROM audit_events e WHERE e.seq > from_seq AND e.seq <= p_through_seq\073
  GET DIAGNOSTICS deleted = ROW_COUNT\073
  IF deleted <> p_events OR deleted_legacy <> p_legacy THEN
    RAISE EXCEPTION ''audit_purge: would delete % events but % were exported'', deleted + deleted_legacy, p_events + p_legacy\073
  END IF\073
  RETURN checkpoint_id\073
END\073
';

REVOKE ALL ON FUNCTION audit_purge(timestamptz, integer, bigint, bytea, bigint, bigint, bigint, text, text) FROM PUBLIC;
