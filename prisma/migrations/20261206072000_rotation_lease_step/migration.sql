-- AlterTable
-- The step a person's lease is taking (rolled_back, cancelled), so the worker that takes
-- over after their request died finishes that step instead of running the run forward.
ALTER TABLE "rotation_runs" ADD COLUMN "lease_step" TEXT;
