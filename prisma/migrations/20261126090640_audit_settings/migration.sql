-- CreateTable
CREATE TABLE "audit_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "retention_days" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_settings_pkey" PRIMARY KEY ("id")
);

-- The one row (id 1), present from the start with no retention period ("keep forever"),
-- so the purge refuses until an administrator chooses a period. The code only ever reads
-- and updates this row. (No CHECK (id = 1): the wasm schema engine panics diffing one.)
INSERT INTO "audit_settings" ("id", "retention_days", "updated_at") VALUES (1, NULL, CURRENT_TIMESTAMP);
