-- AlterEnum
ALTER TYPE "ValueSource" ADD VALUE 'outside';
