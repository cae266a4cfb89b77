-- CreateIndex
CREATE INDEX "secrets_owner_team_id_status_idx" ON "secrets"("owner_team_id", "status");
