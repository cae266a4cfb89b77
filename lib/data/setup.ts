// First-run setup: while no account exists, a one-time token printed on the server
// console lets one person create the first administrator. Afterwards setup is closed.
import 'server-only';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/record';
import { recordSignedOutDenial } from '@/lib/audit/signed-out-denials';
import type { Caller } from '@/lib/auth/caller';
import { hashPassword } from '@/lib/auth/password';
import { db, type Tx } from '@/lib/db';
import { InputError } from '@/lib/errors';
import { parseInput } from '@/lib/validation/parse';
import { ZSetupInput } from '@/lib/validation/setup';

// Serializes setup attempts across app instances (pg_advisory_xact_lock key).
const SETUP_LOCK = 727_001;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function isSetupOpen(): Promise<boolean> {
  return (await db.user.count()) === 0;
}

/** A fresh setup token when setup is open (older unused tokens stop working), else null. */
export async function issueSetupToken(): Promise<string | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
    if ((await tx.user.count()) > 0) return null;
    const token = randomBytes(24).toString('base64url');
    await tx.setupToken.updateMany({ where: { usedAt: null }, data: { usedAt: new Date() } });
    await tx.setupToken.create({ data: { tokenHash: sha256(token) } });
    return token;
  });
}

/**
 * Whether setup is open and the token is one of its unused ones, read without a lock. Run
 * before the password is hashed: argon2 costs tens of milliseconds of CPU and memory, and
 * a flood of setup posts (with setup closed or a guessed token) must not cost a hash each.
 * The locked transaction in completeSetup checks both again.
 */
async function setupRefusal(tx: Tx | typeof db, token: string): Promise<{ closed: true } | { badToken: true } | { tokenId: number }> {
  if ((await tx.user.count()) > 0) return { closed: true };
  const candidates = await tx.setupToken.findMany({ where: { usedAt: null }, select: { id: true, tokenHash: true } });
  const given = Buffer.from(sha256(token));
  const match = candidates.find((c) => timingSafeEqual(Buffer.from(c.tokenHash), given));
  return match ? { tokenId: match.id } : { badToken: true };
}

type TSetupInput = z.infer<typeof ZSetupInput>;

/** Hashes the password, then checks again under the lock and creates the administrator. */
async function createAdministrator(caller: Caller, input: TSetupInput) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
    // Another attempt may have completed setup since the first check.
    const check = await setupRefusal(tx, input.token);
    if (!('tokenId' in check)) return check;
    await tx.setupToken.update({ where: { id: check.tokenId }, data: { usedAt: new Date() } });
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, role: 'admin', passwordHash },
      select: { id: true, email: true, role: true },
    });
    await recordAudit(tx, caller, {
      action: 'setup.complete',
      targetType: 'user',
      targetId: user.id,
      changes: { email: { before: null, after: user.email }, role: { before: null, after: 'admin' } },
      actor: user,
    });
    return { userId: user.id };
  });
}

export async function completeSetup(caller: Caller, raw: unknown): Promise<{ userId: string }> {
  const input = parseInput(ZSetupInput, raw);
  const precheck = await setupRefusal(db, input.token);
  const outcome = 'tokenId' in precheck ? await createAdministrator(caller, input) : precheck;
  if ('closed' in outcome || 'badToken' in outcome) {
    // Setup is reachable signed out: its refusals are aggregated like any signed-out denial.
    await recordSignedOutDenial(caller, {
      action: 'setup.complete',
      outcome: 'denied',
      detail: { reason: 'closed' in outcome ? 'setup_closed' : 'bad_setup_token' },
      actor: { email: input.email },
    });
  }
  if ('closed' in outcome) throw new InputError('Setup is already complete. Sign in instead.');
  if ('badToken' in outcome) {
    throw new InputError('That setup token is not valid.', {
      token: ['That token is not valid. Use the newest token printed on the server console.'],
    });
  }
  return outcome;
}
