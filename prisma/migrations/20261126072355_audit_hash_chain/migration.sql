-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "hash" BYTEA,
ADD COLUMN     "prev_hash" BYTEA,
ADD COLUMN     "seq" BIGINT;

-- CreateTable
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_chain_verifications" (
    "id" BIGSERIAL NOT NULL,
    "ran_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "events_checked" BIGINT NOT NULL,
    "head_seq" BIGINT,
    "head_hash" BYTEA,
    "first_bad_seq" BIGINT,
    "message" TEXT NOT NULL,

    CONSTRAINT "audit_chain_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_chain_verifications_ran_at_idx" ON "audit_chain_verifications"("ran_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- The chain starts here: the first event appended after this migration gets seq 1 and a
-- prev_hash of 32 zero bytes. Events written before it keep null seq/prev_hash/hash
-- ("legacy" rows): npm run audit:verify counts them separately and does not chain them.
INSERT INTO "audit_chain_head" ("id", "seq", "hash") VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');
