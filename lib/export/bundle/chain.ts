// Chain continuity of the audit events in an evidence bundle, checked from the exported
// JSON Lines alone (no database): every event's hash is recomputed from its exported
// columns and its prevHash; consecutive events (seq n-1, n) must link; the newest event
// must agree with the chain head the manifest recorded. An export without filters holds
// every event up to the head, so there a gap in seq is a missing event; with filters, gaps
// are the events the filters left out and are only counted.
//
// Fed one parsed JSON object at a time, so a file of any size is checked in constant memory.
import { eventHash } from '../../audit/chain-hash';

export type ChainContinuity = {
  /** Events whose hash was recomputed from their content. */
  eventsChecked: number;
  /** Consecutive pairs (seq n-1, n) whose link was checked. */
  linksChecked: number;
  /** Places where seq jumps: events the filters left out (a problem only without filters). */
  gaps: number;
  /** Events written before the chain existed (no seq): exported, not verifiable. */
  unchained: number;
  /** Whether the export reaches the manifest's chain head (null when it cannot: filters, or no head). */
  reachesHead: boolean | null;
  problems: string[];
};

export type ChainHeadClaim = { seq?: string; hash: string | null } | null;

/** Beyond this many, problems are summarised: one tampered export should not print a million lines. */
const MAX_PROBLEMS = 20;

type Exported = Record<string, unknown>;

const HEX_64 = /^[0-9a-f]{64}$/;
const str = (v: unknown) => (typeof v === 'string' ? v : null);

export class ChainContinuityCheck {
  private readonly result: ChainContinuity = { eventsChecked: 0, linksChecked: 0, gaps: 0, unchained: 0, reachesHead: null, problems: [] };
  private problemCount = 0;
  private previous: { id: string; seq: bigint; hash: string } | null = null;

  /**
   * @param file the JSON Lines file's name, to name it in problems
   * @param unfiltered true when the export holds every event up to the head
   */
  constructor(
    private readonly file: string,
    private readonly unfiltered: boolean,
  ) {}

  add(record: unknown): void {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.problem('a line is not an event object');
      return;
    }
    const event = record as Exported;
    const id = str(event.id) ?? '?';
    const seqText = str(event.seq);
    if (seqText === null || seqText === '') {
      if (this.previous) this.problem(`event ${id} has no place in the hash chain but was written after chained events`);
      else this.result.unchained += 1;
      return;
    }
    const prevHash = str(event.prevHash);
    const hash = str(event.hash);
    if (!/^\d+$/.test(seqText) || !prevHash || !HEX_64.test(prevHash) || !hash || !HEX_64.test(hash)) {
      this.problem(`event ${id}: its seq, prevHash or hash is missing or malformed`);
      return;
    }
    const occurredAt = new Date(str(event.occurredAt) ?? NaN);
    if (Number.isNaN(occurredAt.getTime())) {
      this.problem(`event ${id}: its occurredAt is missing or malformed`);
      return;
    }
    const seq = BigInt(seqText);
    const computed = this.recompute(event, seqText, prevHash, occurredAt);
    this.result.eventsChecked += 1;
    if (computed !== hash) this.problem(`event ${id} (seq ${seq}): its content does not match its hash (changed after it was written)`);

    const before = this.previous;
    if (before) {
      if (seq <= before.seq) {
        this.problem(`event ${id} (seq ${seq}) comes after seq ${before.seq}: out of chain order`);
      } else if (seq === before.seq + 1n) {
        this.result.linksChecked += 1;
        if (prevHash !== before.hash) this.problem(`event ${id} (seq ${seq}) does not link to event ${before.id} (seq ${before.seq})`);
      } else {
        this.result.gaps += 1;
        if (this.unfiltered) {
          const missing = seq - 1n > before.seq + 1n ? `seq ${before.seq + 1n}..${seq - 1n}` : `seq ${before.seq + 1n}`;
          this.problem(`${missing} missing between event ${before.id} and event ${id}`);
        }
      }
    }
    this.previous = { id, seq, hash };
  }

  /** The result, once every event was added; `head` is the manifest's chain head. */
  finish(head: ChainHeadClaim): ChainContinuity {
    const last = this.previous;
    if (head?.seq !== undefined && head.hash && last) {
      const headSeq = BigInt(head.seq);
      if (last.seq > headSeq) this.problem(`event ${last.id} (seq ${last.seq}) is newer than the chain head the manifest records (seq ${headSeq})`);
      else if (last.seq === headSeq) {
        this.result.reachesHead = last.hash === head.hash;
        if (!this.result.reachesHead) this.problem(`event ${last.id} (seq ${last.seq}) does not match the chain head hash in the manifest`);
      } else if (this.unfiltered) {
        this.result.reachesHead = false;
        this.problem(`the export ends at seq ${last.seq} but the chain head at export time was seq ${headSeq}: events are missing at the end`);
      }
    }
    const hidden = this.problemCount - this.result.problems.length;
    if (hidden > 0) this.result.problems.push(`${this.file}: … and ${hidden} more chain problem${hidden === 1 ? '' : 's'}.`);
    return this.result;
  }

  private recompute(e: Exported, seq: string, prevHash: string, occurredAt: Date): string {
    return eventHash({
      id: str(e.id) ?? '',
      seq,
      prev_hash: Buffer.from(prevHash, 'hex'),
      occurred_at: occurredAt,
      actor_id: str(e.actorId),
      actor_email: str(e.actorEmail),
      actor_role: str(e.actorRole),
      action: str(e.action) ?? '',
      target_type: str(e.targetType),
      target_id: str(e.targetId),
      environment: str(e.environment),
      outcome: str(e.outcome) ?? '',
      ip: str(e.ip),
      user_agent: str(e.userAgent),
      request_id: str(e.requestId),
      changes: e.changes ?? null,
      detail: e.detail ?? null,
    }).toString('hex');
  }

  private problem(message: string): void {
    this.problemCount += 1;
    if (this.result.problems.length < MAX_PROBLEMS) this.result.problems.push(`${this.file}: ${message}.`);
  }
}
