-- CreateTable
CREATE TABLE "signed_out_denials" (
    "source" VARCHAR(64) NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "actions" TEXT[],
    "user_agent" VARCHAR(512),

    CONSTRAINT "signed_out_denials_pkey" PRIMARY KEY ("source","minute")
);
