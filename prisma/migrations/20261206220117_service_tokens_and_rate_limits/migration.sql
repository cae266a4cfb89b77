-- Issue 17: service tokens (owned by a team, acting as a service account of kind service)
-- and per-token rate limits. The rules below are triggers, not CHECK constraints (the wasm
-- schema engine panics diffing a CHECK), and their bodies spell semicolons as \073 (it
-- splits scripts on every literal semicolon). Not modelled by Prisma: the two triggers.

-- CreateEnum
CREATE TYPE "UserKind" AS ENUM ('person', 'service');

-- CreateEnum
CREATE TYPE "ApiTokenKind" AS ENUM ('personal', 'service');

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "kind" "ApiTokenKind" NOT NULL DEFAULT 'personal',
ADD COLUMN     "rate_limit_per_minute" INTEGER,
ADD COLUMN     "team_id" UUID;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "kind" "UserKind" NOT NULL DEFAULT 'person';

-- CreateIndex
CREATE INDEX "api_tokens_team_id_created_at_idx" ON "api_tokens"("team_id", "created_at");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- A service account never signs in: no password, SSO link, invitation or second factor,
-- and it is never an administrator.
CREATE FUNCTION users_service_cannot_sign_in() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  IF NEW.kind = ''service'' AND (NEW.password_hash IS NOT NULL OR NEW.oidc_subject IS NOT NULL
     OR NEW.invite_code_hash IS NOT NULL OR NEW.totp_secret_enc IS NOT NULL
     OR NEW.totp_pending_secret_enc IS NOT NULL OR NEW.role = ''admin'') THEN
    RAISE EXCEPTION ''a service account cannot sign in or be an administrator'' USING ERRCODE = ''check_violation''\073
  END IF\073
  RETURN NEW\073
END\073
';

CREATE TRIGGER users_service_cannot_sign_in BEFORE INSERT OR UPDATE ON "users"
  FOR EACH ROW EXECUTE FUNCTION users_service_cannot_sign_in();

-- A service token belongs to a team and acts as a service account, a personal token
-- belongs to no team. A rate limit, when set, is positive.
CREATE FUNCTION api_tokens_kind_rules() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS E'
BEGIN
  IF (NEW.kind = ''service'') <> (NEW.team_id IS NOT NULL)
     OR (NEW.kind = ''service'') <> (SELECT u.kind = ''service'' FROM users u WHERE u.id = NEW.user_id)
     OR NEW.rate_limit_per_minute <= 0 THEN
    RAISE EXCEPTION ''api token kind, team and user do not agree'' USING ERRCODE = ''check_violation''\073
  END IF\073
  RETURN NEW\073
END\073
';

CREATE TRIGGER api_tokens_kind_rules BEFORE INSERT OR UPDATE OF "kind", "team_id", "user_id", "rate_limit_per_minute" ON "api_tokens"
  FOR EACH ROW EXECUTE FUNCTION api_tokens_kind_rules();
