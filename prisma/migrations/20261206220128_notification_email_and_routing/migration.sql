-- AlterEnum
ALTER TYPE "ChannelKind" ADD VALUE 'email';

-- AlterTable
ALTER TABLE "notification_channels" ADD COLUMN     "classifications" "Classification"[] DEFAULT ARRAY[]::"Classification"[],
ADD COLUMN     "environment_ids" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "team_ids" UUID[] DEFAULT ARRAY[]::UUID[],
ALTER COLUMN "url" DROP NOT NULL;
