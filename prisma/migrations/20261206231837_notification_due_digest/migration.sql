-- AlterTable
ALTER TABLE "notification_channels" ADD COLUMN     "due_digest" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "notification_deliveries" ADD COLUMN     "digest_day" DATE;

-- CreateIndex
CREATE UNIQUE INDEX "notification_deliveries_channel_id_digest_day_key" ON "notification_deliveries"("channel_id", "digest_day");
