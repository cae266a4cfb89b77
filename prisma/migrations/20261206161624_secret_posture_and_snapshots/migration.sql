-- CreateTable
CREATE TABLE "secret_postures" (
    "secret_id" UUID NOT NULL,
    "owner_team_id" UUID NOT NULL,
    "classification" "Classification" NOT NULL,
    "checks" JSONB NOT NULL,
    "failing" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "passed" INTEGER NOT NULL,
    "applicable" INTEGER NOT NULL,
    "score" INTEGER NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "secret_postures_pkey" PRIMARY KEY ("secret_id")
);

-- CreateTable
CREATE TABLE "posture_snapshots" (
    "id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "team_id" UUID,
    "secrets" INTEGER NOT NULL,
    "score_tenths" INTEGER NOT NULL,
    "failing" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "posture_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "secret_postures_owner_team_id_classification_score_secret_i_idx" ON "secret_postures"("owner_team_id", "classification", "score", "secret_id");

-- CreateIndex
CREATE INDEX "secret_postures_classification_score_secret_id_idx" ON "secret_postures"("classification", "score", "secret_id");

-- CreateIndex
CREATE INDEX "secret_postures_failing_idx" ON "secret_postures" USING GIN ("failing");

-- CreateIndex
CREATE INDEX "posture_snapshots_day_idx" ON "posture_snapshots"("day");

-- CreateIndex
CREATE INDEX "posture_snapshots_team_id_day_idx" ON "posture_snapshots"("team_id", "day");

-- AddForeignKey
ALTER TABLE "secret_postures" ADD CONSTRAINT "secret_postures_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
