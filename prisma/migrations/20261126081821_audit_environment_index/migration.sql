-- CreateIndex
-- CONCURRENTLY: audit_events may hold millions of rows, and a plain CREATE INDEX would
-- block every audited write while it builds. Must stay the only statement in this file
-- (it cannot run inside a transaction).
CREATE INDEX CONCURRENTLY "audit_events_environment_id_idx" ON "audit_events"("environment", "id");
