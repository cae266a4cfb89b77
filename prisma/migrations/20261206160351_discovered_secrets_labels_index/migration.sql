-- CreateIndex
CREATE INDEX "discovered_secrets_labels_idx" ON "discovered_secrets" USING GIN ("labels");
