// The leak check's data layer: scans started from the browser (a paste, an uploaded file,
// a zip or a git bundle, scanned here) or by the CLI (which sends candidates in batches),
// their findings, and who sees what of them.
//
// Nothing scanned is kept: texts and candidates live in memory while they are
// fingerprinted (lib/leak) and a finding stores only where it was, the secret or rule it
// matches and a masked preview. Scans start and finish in the audit trail (counts, never
// text); each secret found is an audited event of its own and a notification. A scan is
// an oracle for guessed values, so scans and bytes are limited per user and hour.
//
// Who sees what: engineers and admins scan; a scan and its findings are its starter's, and
// admins and auditors see every scan. A finding of a secret is named to admins, auditors
// and members of the secret's owning team; anyone else (the starter outside that team)
// learns only that it matches a secret of another team, whose owners were notified.
import 'server-only';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Prisma } from '@/generated/prisma/client';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { recordAudit, recordAuditMany, type AuditEntry } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/authorize';
import type { Caller, SessionUser } from '@/lib/auth/caller';
import { callerCan } from '@/lib/auth/token-scopes';
import { actsOnEveryTeam } from '@/lib/auth/team-scope';
import { appClock } from '@/lib/clock';
import { db, pgPool, type Tx } from '@/lib/db';
import { decodeCursor, encodeCursor } from '@/lib/db/cursor';
import { AuditedInputError, ForbiddenError, InputError, NotFoundError } from '@/lib/errors';
import { archiveUnits } from '@/lib/leak/archive';
import { cloneBundle, gitHistoryUnits, isGitBundle } from '@/lib/leak/git-history';
import { matchCandidates } from '@/lib/leak/match';
import { LeakScanner } from '@/lib/leak/scanner';
import type { LeakSeverity, NewFinding, ScanProgress, ScanUnit } from '@/lib/leak/types';
import { MAX_LEAK_PASTE_BYTES, MAX_LEAK_UPLOAD_BYTES } from '@/lib/body-limits';
import { log } from '@/lib/log';
import { enqueueDeliveries, notify } from '@/lib/notifications/notify';
import { uuidOrNil } from '@/lib/validation/ids';
import { ZLeakBatch, ZLeakFindingQuery, ZLeakFinish, ZLeakScanStart } from '@/lib/validation/leak';
import { parseInput } from '@/lib/validation/parse';

const MB = 1024 * 1024;
/** Scans a user may start per hour, and bytes (uploaded, or candidate text the CLI sends) per hour. */
export const LEAK_SCANS_PER_HOUR = 30;
export const LEAK_BYTES_PER_HOUR = 500 * MB;

export const FINDING_PAGE_SIZE = 50;
export const LEAK_SCAN_PAGE_SIZE = 20;

type Kind = 'paste' | 'upload' | 'git_bundle' | 'cli';
type Status = 'running' | 'completed' | 'failed';

export type LeakScanItem = {
  id: string;
  kind: Kind;
  label: string;
  status: Status;
  startedByEmail: string | null;
  viaToken: boolean;
  startedAt: string;
  finishedAt: string | null;
  bytes: number;
  files: number;
  commits: number;
  candidates: number;
  findings: number;
  error: string | null;
};

/** A finding as the caller may see it: `secret` is null for a pattern finding or a secret hidden from the caller. */
export type LeakFindingView = {
  id: string;
  severity: LeakSeverity;
  ruleId: string | null;
  secret: { id: string; name: string; environment: string; team: string } | null;
  /** The finding matches a secret the caller may not see (named to its team, admins and auditors). */
  otherTeam: boolean;
  /** The secret matched no longer exists. */
  secretGone: boolean;
  providerVersionId: string | null;
  path: string;
  line: number | null;
  commit: string | null;
  authorDate: string | null;
  preview: string;
  /** The caller may mark the secret compromised from this finding (engineer of its team, admin). */
  mayMarkCompromised: boolean;
};

// --- rate limits -------------------------------------------------------------------

let scanLimiter: RateLimiterPostgres | undefined;
let byteLimiter: RateLimiterPostgres | undefined;
// Created on first use: the pool (and DATABASE_URL) may not exist at import time.
const limiter = (prefix: string, points: number) =>
  new RateLimiterPostgres({
    storeClient: pgPool(),
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: prefix,
    points,
    duration: 3600,
  });
const scans = () => (scanLimiter ??= limiter('leak_scans', LEAK_SCANS_PER_HOUR));
const bytes = () => (byteLimiter ??= limiter('leak_scan_bytes', LEAK_BYTES_PER_HOUR));

/** A scan refused because the caller used up their hourly scans or bytes (already audited). */
export class LeakRateLimitError extends AuditedInputError {
  constructor(message: string) {
    super(message);
    this.name = 'LeakRateLimitError';
  }
}

/** Takes `points` from a limiter, or audits the refusal and throws. */
async function spend(
  caller: Caller,
  which: 'scans' | 'bytes',
  userId: string,
  points: number,
  attempt: Pick<AuditEntry, 'action' | 'targetType' | 'targetId'>,
) {
  if (points <= 0) return;
  try {
    await (which === 'scans' ? scans() : bytes()).consume(userId, points);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const minutes = Math.max(1, Math.ceil(error.msBeforeNext / 60_000));
    await recordAudit(db, caller, {
      ...attempt,
      outcome: 'denied',
      detail: {
        reason: which === 'scans' ? 'leak_scans_limited' : 'leak_bytes_limited',
        limitPerHour: which === 'scans' ? LEAK_SCANS_PER_HOUR : LEAK_BYTES_PER_HOUR,
      },
    });
    throw new LeakRateLimitError(
      which === 'scans'
        ? `You started ${LEAK_SCANS_PER_HOUR} leak checks in the last hour, the most allowed. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
        : `You scanned ${LEAK_BYTES_PER_HOUR / MB} MB in the last hour, the most allowed. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    );
  }
}

// --- who sees scans ----------------------------------------------------------------

/** 'all' for admins and auditors, 'own' for other scanners; anyone else is refused (audited). */
async function scanScope(
  caller: Caller,
  attempt: Pick<AuditEntry, 'action' | 'targetType' | 'targetId'>,
): Promise<{ user: SessionUser; scope: 'all' | 'own' }> {
  if (caller.user && callerCan(caller, 'audit.read')) return { user: caller.user, scope: 'all' };
  const user = await authorize(caller, 'leak.scan', attempt);
  return { user, scope: actsOnEveryTeam(user) ? 'all' : 'own' };
}

/** Sees every team's findings named (admins and auditors). */
const seesEveryTeam = (caller: Caller, user: SessionUser) => actsOnEveryTeam(user) || callerCan(caller, 'audit.read');

const scanSelect = {
  id: true,
  kind: true,
  label: true,
  status: true,
  startedById: true,
  startedByEmail: true,
  tokenId: true,
  startedAt: true,
  finishedAt: true,
  bytesScanned: true,
  filesScanned: true,
  commitsScanned: true,
  candidates: true,
  findingCount: true,
  error: true,
} as const;

type ScanRow = Prisma.LeakScanGetPayload<{ select: typeof scanSelect }>;

const toItem = (r: ScanRow): LeakScanItem => ({
  id: r.id,
  kind: r.kind,
  label: r.label,
  status: r.status as Status,
  startedByEmail: r.startedByEmail,
  viaToken: r.tokenId !== null,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  bytes: Number(r.bytesScanned),
  files: r.filesScanned,
  commits: r.commitsScanned,
  candidates: r.candidates,
  findings: r.findingCount,
  error: r.error,
});

// --- starting, recording, finishing ------------------------------------------------

/**
 * Starts a scan (status running) for the caller: `bytes` is what the browser uploaded, taken
 * from the hourly byte budget at once (the CLI's candidates are counted per batch).
 */
export async function startLeakScan(caller: Caller, raw: unknown, uploadBytes = 0): Promise<{ scanId: string }> {
  const attempt = { action: 'leak.scan_start', targetType: 'leak_scan' } as const;
  const user = await authorize(caller, 'leak.scan', attempt);
  const input = parseInput(ZLeakScanStart, raw);
  await spend(caller, 'scans', user.id, 1, attempt);
  await spend(caller, 'bytes', user.id, uploadBytes, attempt);
  return db.$transaction(async (tx) => {
    const scan = await tx.leakScan.create({
      data: {
        kind: input.kind,
        label: input.label,
        startedById: user.id,
        startedByEmail: user.email,
        tokenId: caller.tokenId ?? null,
        startedAt: appClock().now(),
      },
      select: { id: true },
    });
    await recordAudit(tx, caller, {
      action: 'leak.scan_start',
      targetType: 'leak_scan',
      targetId: scan.id,
      detail: { kind: input.kind, label: input.label, bytes: uploadBytes || null, viaToken: Boolean(caller.tokenId) },
    });
    return { scanId: scan.id };
  });
}

/** The running scan the caller started, for adding to or finishing; anything else is refused (audited). */
async function ownRunningScan(caller: Caller, scanId: string, action: 'leak.scan_batch' | 'leak.scan_finish') {
  const attempt = { action, targetType: 'leak_scan', targetId: scanId };
  const user = await authorize(caller, 'leak.scan', attempt);
  const scan = await db.leakScan.findUnique({ where: { id: uuidOrNil(scanId) }, select: { id: true, startedById: true, status: true } });
  if (!scan) throw new NotFoundError('This scan does not exist.');
  if (scan.startedById !== user.id) {
    await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission: 'leak.scan', reason: 'not_scan_starter' } });
    throw new ForbiddenError('Only the person who started this scan can add to it or finish it.');
  }
  if (scan.status !== 'running') throw new InputError('This scan is finished: start a new one.');
  return { user, scan };
}

/** A finding row from what lib/leak found (a location and a masked preview, never the text). */
function findingData(scanId: string, f: NewFinding, now: Date): Prisma.LeakFindingCreateManyInput {
  return {
    scanId,
    severity: f.severity,
    secretId: f.secretId,
    providerVersionId: f.providerVersionId,
    versionId: f.versionId,
    ruleId: f.ruleId,
    path: f.location.path.slice(0, 1000),
    line: f.location.line,
    commitSha: f.location.commit,
    authorDate: f.location.authorDate,
    preview: f.preview.slice(0, 300),
    createdAt: now,
  };
}

const SEVERITY_RANK: Record<LeakSeverity, number> = { current_value: 0, previous_value: 1, pattern: 2 };

/**
 * Stores findings of a scan: the rows, the scan's count, one audited event per secret
 * found (naming the scan, never the text) and, the first time a scan finds a secret, a
 * notification to the channels that want it. Returns how many were stored.
 */
async function recordFindings(caller: Caller, scanId: string, findings: NewFinding[]): Promise<number> {
  if (findings.length === 0) return 0;
  const now = appClock().now();
  const deliveries: string[] = [];
  await db.$transaction(async (tx) => {
    const bySecret = new Map<string, { count: number; severity: LeakSeverity }>();
    for (const f of findings) {
      if (!f.secretId) continue;
      const seen = bySecret.get(f.secretId);
      if (!seen) bySecret.set(f.secretId, { count: 1, severity: f.severity });
      else {
        seen.count += 1;
        if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[seen.severity]) seen.severity = f.severity;
      }
    }
    // Secrets this scan had found before (already notified), read before this batch is stored.
    const earlier = bySecret.size ? await tx.leakFinding.groupBy({ by: ['secretId'], where: { scanId, secretId: { in: [...bySecret.keys()] } } }) : [];
    const notifiedBefore = new Set(earlier.map((e) => e.secretId));
    await tx.leakFinding.createMany({ data: findings.map((f) => findingData(scanId, f, now)) });
    await tx.leakScan.update({ where: { id: scanId }, data: { findingCount: { increment: findings.length } } });
    if (bySecret.size === 0) return;
    const secrets = await tx.secret.findMany({ where: { id: { in: [...bySecret.keys()] } }, select: { id: true, environment: { select: { name: true } } } });
    await recordAuditMany(
      tx,
      caller,
      secrets.map((s) => ({
        action: 'secret.leak_found',
        targetType: 'secret',
        targetId: s.id,
        environment: s.environment.name,
        detail: { scanId, severity: bySecret.get(s.id)!.severity, findings: bySecret.get(s.id)!.count },
      })),
    );
    for (const s of secrets) {
      if (notifiedBefore.has(s.id)) continue;
      const severity = bySecret.get(s.id)!.severity;
      deliveries.push(
        ...(await notify(tx, {
          event: 'secret.leak_found',
          occurredAt: now,
          secretId: s.id,
          reason: `A leak check found its ${severity === 'current_value' ? 'current' : 'previous'} value (scan ${scanId}).`,
        })),
      );
    }
  });
  await enqueueDeliveries(deliveries).catch((error: unknown) => log.warn('could not enqueue leak-finding notifications; the sweep sends them', { error }));
  return findings.length;
}

/** A scanner for one scan: matches against the inventory here and stores what it finds. */
function scannerFor(caller: Caller, scanId: string, onProgress?: (p: ScanProgress) => void) {
  return new LeakScanner({
    match: matchCandidates,
    onFindings: async (findings: NewFinding[]) => {
      await recordFindings(caller, scanId, findings);
    },
    onProgress,
  });
}

const locationOf = (c: { path: string; line: number | null; commit: string | null; authorDate: string | null }) => ({
  path: c.path,
  line: c.line,
  commit: c.commit,
  authorDate: c.authorDate ? new Date(c.authorDate) : null,
});

/**
 * One batch of the CLI's candidates and pattern hits: the texts are fingerprinted and
 * matched, what matched is stored as findings, and the texts are dropped. The CLI's
 * progress totals are recorded on the scan.
 */
export async function recordLeakBatch(caller: Caller, scanId: string, raw: unknown): Promise<{ findings: number }> {
  const { user, scan } = await ownRunningScan(caller, scanId, 'leak.scan_batch');
  const input = parseInput(ZLeakBatch, raw);
  const textBytes = input.candidates.reduce((n, c) => n + Buffer.byteLength(c.text, 'utf8'), 0);
  await spend(caller, 'bytes', user.id, textBytes, { action: 'leak.scan_batch', targetType: 'leak_scan', targetId: scan.id });
  // The CLI deduplicated and dropped pattern hits that are inventory values already (its own
  // LeakScanner): every candidate here is a location of its own, matched as it is.
  const matches = input.candidates.length ? await matchCandidates(input.candidates.map((c) => c.text)) : [];
  const findings: NewFinding[] = [
    ...matches.map((m) => {
      const c = input.candidates[m.candidateIndex];
      return {
        severity: m.severity,
        secretId: m.secretId,
        providerVersionId: m.providerVersionId,
        versionId: m.versionId,
        ruleId: null,
        location: locationOf(c),
        preview: c.preview,
      };
    }),
    // A pattern hit's matched text stays on the CLI: the server stores the rule and where.
    ...input.patterns.map((p) => ({
      severity: 'pattern' as const,
      secretId: null,
      providerVersionId: null,
      versionId: null,
      ruleId: p.ruleId,
      location: locationOf(p),
      preview: p.preview,
    })),
  ];
  const stored = await recordFindings(caller, scan.id, findings);
  // Running totals: a batch that arrives late never moves them back.
  await db.$executeRaw`
    UPDATE leak_scans SET
      bytes_scanned = GREATEST(bytes_scanned, ${input.progress.bytes}::bigint),
      files_scanned = GREATEST(files_scanned, ${input.progress.files}::int),
      commits_scanned = GREATEST(commits_scanned, ${input.progress.commits}::int),
      candidates = candidates + ${input.candidates.length}::int
    WHERE id = ${scan.id}::uuid`;
  return { findings: stored };
}

/** Ends the caller's running scan (completed, or failed with their words); audited with its counts. */
export async function finishLeakScan(caller: Caller, scanId: string, raw: unknown): Promise<{ scanId: string; findings: number; url: string }> {
  const { scan } = await ownRunningScan(caller, scanId, 'leak.scan_finish');
  const input = parseInput(ZLeakFinish, raw);
  const row = await closeScan(caller, scan.id, input.status, input.status === 'failed' ? (input.error ?? 'The scan stopped before the end.') : null);
  return { scanId: scan.id, findings: row.findingCount, url: `/leaks/${scan.id}` };
}

async function closeScan(caller: Caller, scanId: string, status: 'completed' | 'failed', error: string | null, totals?: ScanProgress) {
  return db.$transaction(async (tx) => {
    const row = await tx.leakScan.update({
      where: { id: scanId },
      data: {
        status,
        error,
        finishedAt: appClock().now(),
        ...(totals ? { bytesScanned: totals.bytes, filesScanned: totals.files, commitsScanned: totals.commits, candidates: totals.candidates } : {}),
      },
      select: scanSelect,
    });
    const counts = await findingCounts(tx, scanId);
    await recordAudit(tx, caller, {
      action: 'leak.scan_finish',
      targetType: 'leak_scan',
      targetId: scanId,
      outcome: status === 'completed' ? 'success' : 'failed',
      detail: {
        status,
        bytes: Number(row.bytesScanned),
        files: row.filesScanned,
        commits: row.commitsScanned,
        candidates: row.candidates,
        findings: row.findingCount,
        currentValues: counts.current_value,
        previousValues: counts.previous_value,
        patterns: counts.pattern,
        skipped: totals?.skipped ?? null,
        error,
      },
    });
    return row;
  });
}

async function findingCounts(client: Tx | typeof db, scanId: string): Promise<Record<LeakSeverity, number>> {
  const rows = await client.leakFinding.groupBy({ by: ['severity'], where: { scanId }, _count: { _all: true } });
  const counts: Record<LeakSeverity, number> = { current_value: 0, previous_value: 0, pattern: 0 };
  for (const r of rows) counts[r.severity] = r._count._all;
  return counts;
}

// --- scans from the browser --------------------------------------------------------

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export type UploadSource = { source: 'paste' | 'file'; name: string; bytes: Buffer };

/** Refuses (audited) a caller who may not scan, before the route reads an upload's body. */
export async function authorizeLeakScan(caller: Caller): Promise<void> {
  await authorize(caller, 'leak.scan', { action: 'leak.scan_start', targetType: 'leak_scan' });
}

/**
 * Starts a scan of pasted text or an uploaded file (refusals thrown here, before anything
 * is scanned) and returns it with `run`, which scans it here reporting progress as it goes:
 * a zip is read entry by entry, a git bundle is cloned into a private temporary folder
 * (removed after) and every blob of its history is scanned; anything else is one text.
 * The scan row ends completed or failed (our words, returned as `error`).
 */
export async function startUploadScan(
  caller: Caller,
  upload: UploadSource,
): Promise<{ scanId: string; run: (onProgress?: (p: ScanProgress) => void) => Promise<{ scanId: string; error: string | null }> }> {
  const limit = upload.source === 'paste' ? MAX_LEAK_PASTE_BYTES : MAX_LEAK_UPLOAD_BYTES;
  const kind: Kind = upload.source === 'paste' ? 'paste' : isGitBundle(upload.bytes) ? 'git_bundle' : 'upload';
  const label = upload.source === 'paste' ? 'Pasted text' : path.basename(upload.name.replaceAll('\\', '/')).slice(0, 200) || 'uploaded file';
  // Authorized first, so a refused caller learns nothing about the size rules either.
  await authorizeLeakScan(caller);
  if (upload.bytes.length === 0) throw new InputError(upload.source === 'paste' ? 'Paste some text to scan.' : 'The file is empty.');
  if (upload.bytes.length > limit) throw new InputError(`That is more than ${limit / MB} MB: scan a smaller piece, or use \`npm run leak-check\`.`);
  const { scanId } = await startLeakScan(caller, { kind, label }, upload.bytes.length);
  return { scanId, run: (onProgress = () => {}) => runUploadScan(caller, scanId, kind, label, upload.bytes, onProgress) };
}

async function runUploadScan(caller: Caller, scanId: string, kind: Kind, label: string, bytes: Buffer, onProgress: (p: ScanProgress) => void) {
  let scratch: string | null = null;
  try {
    const scanner = scannerFor(caller, scanId, onProgress);
    let units: AsyncIterable<ScanUnit> | Iterable<ScanUnit>;
    if (kind === 'git_bundle') {
      scratch = await mkdtemp(path.join(tmpdir(), 'leak-bundle-')); // mode 0700
      const bundle = path.join(scratch, 'upload.bundle');
      await writeFile(bundle, bytes, { mode: 0o600 });
      const repo = path.join(scratch, 'repo.git');
      await cloneBundle(bundle, repo);
      units = gitHistoryUnits(repo, { onCommit: (n) => scanner.noteCommits(n), onSkip: () => scanner.noteScanned({ skipped: 1 }) });
    } else if (kind === 'upload' && bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
      units = archiveUnits(bytes, { onSkip: () => scanner.noteScanned({ skipped: 1 }) });
    } else {
      units = [{ text: bytes.toString('utf8'), location: { path: kind === 'paste' ? '' : label, commit: null, authorDate: null } }];
    }
    for await (const unit of units) await scanner.addUnit(unit);
    const totals = await scanner.finish();
    onProgress(totals);
    await closeScan(caller, scanId, 'completed', null, totals);
    return { scanId, error: null };
  } catch (error) {
    // Our own words only: a parser's or git's message could quote what was scanned.
    const message = error instanceof InputError ? error.message : 'The scan stopped on an unexpected error; nothing scanned was kept.';
    log.warn('leak scan failed', { scanId, errorName: error instanceof Error ? error.name : 'unknown' });
    await closeScan(caller, scanId, 'failed', message);
    return { scanId, error: message };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

// --- reading -----------------------------------------------------------------------

/** Scans the caller may see, newest first: their own, or every scan for admins and auditors. */
export async function listLeakScans(caller: Caller, cursor?: string): Promise<{ items: LeakScanItem[]; nextCursor: string | null; scope: 'all' | 'own' }> {
  const { user, scope } = await scanScope(caller, { action: 'leak.scan_list', targetType: 'leak_scan' });
  const after = decodeCursor(cursor);
  const rows = await db.leakScan.findMany({
    where: {
      ...(scope === 'own' ? { startedById: user.id } : {}),
      ...(after?.value ? { OR: [{ startedAt: { lt: new Date(after.value) } }, { startedAt: new Date(after.value), id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: LEAK_SCAN_PAGE_SIZE + 1,
    select: scanSelect,
  });
  const page = rows.slice(0, LEAK_SCAN_PAGE_SIZE);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > LEAK_SCAN_PAGE_SIZE && last ? encodeCursor(last.startedAt.toISOString(), last.id) : null, scope };
}

type FindingRow = {
  id: string;
  severity: LeakSeverity;
  rule_id: string | null;
  secret_id: string | null;
  provider_version_id: string | null;
  path: string;
  line: number | null;
  commit_sha: string | null;
  author_date: Date | null;
  preview: string;
  secret_name: string | null;
  environment: string | null;
  team_name: string | null;
  member: boolean | null;
};

const findingColumns = (userId: string) => Prisma.sql`
  f.id, f.severity::text AS severity, f.rule_id, f.secret_id, f.provider_version_id, f.path, f.line, f.commit_sha, f.author_date, f.preview,
  s.name AS secret_name, e.name AS environment, t.name AS team_name,
  EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = s.owner_team_id AND m.user_id = ${userId}::uuid) AS member`;

const findingJoins = Prisma.sql`
  LEFT JOIN secrets s ON s.id = f.secret_id
  LEFT JOIN environments e ON e.id = s.environment_id
  LEFT JOIN teams t ON t.id = s.owner_team_id`;

function toFindingView(caller: Caller, user: SessionUser, r: FindingRow): LeakFindingView {
  const named = r.secret_name !== null && (seesEveryTeam(caller, user) || r.member === true);
  return {
    id: r.id,
    severity: r.severity,
    ruleId: r.rule_id,
    secret: named ? { id: r.secret_id!, name: r.secret_name!, environment: r.environment ?? '', team: r.team_name ?? '' } : null,
    otherTeam: r.secret_name !== null && !named,
    secretGone: r.secret_id !== null && r.secret_name === null,
    providerVersionId: named ? r.provider_version_id : null,
    path: r.path,
    line: r.line,
    commit: r.commit_sha,
    authorDate: r.author_date?.toISOString() ?? null,
    preview: r.preview,
    mayMarkCompromised: named && callerCan(caller, 'secrets.rotate') && (actsOnEveryTeam(user) || r.member === true),
  };
}

export type LeakScanDetail = {
  scan: LeakScanItem;
  counts: Record<LeakSeverity, number>;
  findings: LeakFindingView[];
  nextCursor: string | null;
  severity: LeakSeverity | null;
};

/** A scan and a page of its findings (optionally of one severity), for its starter, admins and auditors. */
export async function getLeakScan(caller: Caller, scanId: string, rawQuery: unknown = {}): Promise<LeakScanDetail> {
  const attempt = { action: 'leak.scan_read', targetType: 'leak_scan', targetId: scanId };
  const { user, scope } = await scanScope(caller, attempt);
  const query = parseInput(ZLeakFindingQuery, rawQuery);
  const scan = await db.leakScan.findUnique({ where: { id: uuidOrNil(scanId) }, select: scanSelect });
  if (!scan) throw new NotFoundError('This scan does not exist.');
  if (scope === 'own' && scan.startedById !== user.id) {
    await recordAudit(db, caller, { ...attempt, outcome: 'denied', detail: { permission: 'leak.scan', reason: 'not_scan_starter' } });
    throw new ForbiddenError('Only the person who started this scan, administrators and auditors can see it.');
  }
  const after = decodeCursor(query.cursor);
  const severity = query.severity ?? null;
  const keyset = after?.value ? Prisma.sql`AND (f.severity, f.id) > (${after.value}::"LeakSeverity", ${after.id}::uuid)` : Prisma.empty;
  const rows = await db.$queryRaw<FindingRow[]>`
    SELECT ${findingColumns(user.id)}
    FROM leak_findings f ${findingJoins}
    WHERE f.scan_id = ${scan.id}::uuid ${severity ? Prisma.sql`AND f.severity = ${severity}::"LeakSeverity"` : Prisma.empty} ${keyset}
    ORDER BY f.severity, f.id
    LIMIT ${FINDING_PAGE_SIZE + 1}`;
  const page = rows.slice(0, FINDING_PAGE_SIZE);
  const last = page.at(-1);
  return {
    scan: toItem(scan),
    counts: await findingCounts(db, scan.id),
    findings: page.map((r) => toFindingView(caller, user, r)),
    nextCursor: rows.length > FINDING_PAGE_SIZE && last ? encodeCursor(last.severity, last.id) : null,
    severity,
  };
}

export type SecretLeakFinding = LeakFindingView & { scanId: string; scanLabel: string; foundAt: string };

/**
 * The newest findings of one secret (its page's "Leak findings" panel), for members of its
 * owning team, admins and auditors; null for anyone else (the panel is not shown).
 */
export async function listSecretLeakFindings(caller: Caller, secretId: string, take = 20): Promise<SecretLeakFinding[] | null> {
  const user = await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const [owner] = await db.$queryRaw<{ member: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = s.owner_team_id AND m.user_id = ${user.id}::uuid) AS member
    FROM secrets s WHERE s.id = ${uuidOrNil(secretId)}::uuid`;
  if (!owner || !(seesEveryTeam(caller, user) || owner.member)) return null;
  const rows = await db.$queryRaw<(FindingRow & { scan_id: string; scan_label: string; created_at: Date })[]>`
    SELECT ${findingColumns(user.id)}, f.scan_id, sc.label AS scan_label, f.created_at
    FROM leak_findings f ${findingJoins} JOIN leak_scans sc ON sc.id = f.scan_id
    WHERE f.secret_id = ${uuidOrNil(secretId)}::uuid
    ORDER BY f.created_at DESC, f.id DESC
    LIMIT ${take}`;
  return rows.map((r) => ({ ...toFindingView(caller, user, r), scanId: r.scan_id, scanLabel: r.scan_label, foundAt: r.created_at.toISOString() }));
}

/** One finding of `secretId` the caller may see named (the mark-compromised form's "from this finding"), else null. */
export async function secretLeakFinding(caller: Caller, secretId: string, findingId: string): Promise<SecretLeakFinding | null> {
  const user = await authorize(caller, 'secrets.read', { action: 'secret.read', targetType: 'secret', targetId: secretId });
  const rows = await db.$queryRaw<(FindingRow & { scan_id: string; scan_label: string; created_at: Date })[]>`
    SELECT ${findingColumns(user.id)}, f.scan_id, sc.label AS scan_label, f.created_at
    FROM leak_findings f ${findingJoins} JOIN leak_scans sc ON sc.id = f.scan_id
    WHERE f.id = ${uuidOrNil(findingId)}::uuid AND f.secret_id = ${uuidOrNil(secretId)}::uuid`;
  const row = rows[0];
  if (!row) return null;
  const view = toFindingView(caller, user, row);
  return view.secret ? { ...view, scanId: row.scan_id, scanLabel: row.scan_label, foundAt: row.created_at.toISOString() } : null;
}

/** The reason the mark-compromised form starts with, for a finding. */
export function leakReason(f: Pick<LeakFindingView, 'severity' | 'path' | 'line' | 'commit'> & { scanLabel: string }): string {
  const where = [f.path || null, f.line ? `line ${f.line}` : null, f.commit ? `commit ${f.commit.slice(0, 10)}` : null].filter(Boolean).join(', ');
  const what = f.severity === 'current_value' ? 'its current value' : 'a previous value';
  return `A leak check found ${what} in ${f.scanLabel}${where ? ` (${where})` : ''}.`.slice(0, 1000);
}
