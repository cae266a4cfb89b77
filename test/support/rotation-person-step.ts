// A person's rotation step (rollback, cancel or retire the old value now) in a process of its own, for the crash
// tests: with ROTATION_KILL_AT=before:<event> the "request" dies after its provider work
// but before recording it, exactly as a killed app instance would leave it.
//   node --conditions=react-server --import tsx test/support/rotation-person-step.ts \
//     <rollback|cancel|retire> <runId> '<SessionUser JSON>'
import { callerFor, type SessionUser } from '@/lib/auth/caller';
import { cancelRotation, retireOldValueNow, rollBackRotation } from '@/lib/data/rotations';
import { closeDb } from '@/lib/db';

async function main() {
  const [step, runId, userJson] = process.argv.slice(2);
  const user = JSON.parse(userJson) as SessionUser;
  const caller = callerFor(user, { ip: '127.0.0.1', userAgent: 'rotation-crash-test', requestId: null });
  await (step === 'rollback' ? rollBackRotation : step === 'retire' ? retireOldValueNow : cancelRotation)(caller, runId);
  await closeDb();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
