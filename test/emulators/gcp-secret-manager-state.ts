// What the GCP Secret Manager emulator remembers and how each RPC changes it, apart from
// the gRPC transport (gcp-secret-manager.ts). It follows /work/shared/docs/cloud-apis.md
// section B: version numbering, the ENABLED/DISABLED/DESTROYED state machine, `latest`
// without fallback, etags that change on every modifying call, project numbers in names.
// Requests and responses are the proto objects as @grpc/proto-loader hands them over
// (snake_case keys, int64 as strings, enums as their names).
import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { crc32c } from '@node-rs/crc32';

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export type VersionStateName = 'ENABLED' | 'DISABLED' | 'DESTROYED';

interface Timestamp {
  seconds: string;
  nanos: number;
}
interface Duration {
  seconds?: string | number;
  nanos?: number;
}

interface VersionRecord {
  number: number;
  createTime: number;
  state: VersionStateName;
  data: Buffer | null;
  crc32c: number;
  etag: string;
  clientChecksum: boolean;
  destroyTime?: number;
  scheduledDestroyTime?: number;
}

interface SecretRecord {
  projectNumber: string;
  location: string | null;
  id: string;
  createTime: number;
  /** Creation order, so "newest first" is exact even within one millisecond. */
  seq: number;
  replication: unknown;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  versionAliases: Record<string, number>;
  topics: { name: string }[];
  versionDestroyTtlMs: number | null;
  /** rotation.next_rotation_time and rotation.rotation_period (B.5): Secret Manager only
   *  notifies at that time, it never rotates. */
  rotation: { nextMs: number | null; periodMs: number | null } | null;
  /** expire_time (a `ttl` input becomes one): the secret is deleted for good at that time. */
  expireMs: number | null;
  etag: string;
  versions: VersionRecord[];
}

export interface SecretInput {
  replication?: { automatic?: unknown; user_managed?: { replicas?: { location?: string }[] } } | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  version_aliases?: Record<string, string | number>;
  topics?: { name?: string }[];
  version_destroy_ttl?: Duration | null;
  rotation?: { next_rotation_time?: Timestamp | null; rotation_period?: Duration | null } | null;
  expire_time?: Timestamp | null;
  ttl?: Duration | null;
  etag?: string;
  name?: string;
  [other: string]: unknown;
}

const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_PAGE_SIZE = 25_000;
/** page_size 0 lets the server choose; a small choice makes clients that ignore
 *  next_page_token visibly miss items. */
const DEFAULT_PAGE_SIZE = 25;
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const ANNOTATION_KEY = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const ALIAS = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const PARENT_NAME = /^projects\/([^/]+)(?:\/locations\/([^/]+))?$/;
const SECRET_NAME = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)$/;
const VERSION_NAME = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\/secrets\/([^/]+)\/versions\/([^/]+)$/;

const timestamp = (ms: number): Timestamp => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });
const timestampMs = (t: { seconds?: string | number; nanos?: number }): number => Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000);
const durationMs = (d: Duration): number => Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1_000_000);
const newEtag = () => `"${randomBytes(9).toString('base64url')}"`;
const invalid = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);

export class GcpSecretManagerState {
  #secrets = new Map<string, SecretRecord>();
  #stored: string[] = [];
  #seq = 0;
  #lastMs = 0;
  readonly #projectNumbers: Record<string, string>;
  #nextAssigned = 100_000_000_001;

  constructor(projectNumbers: Record<string, string> = {}) {
    this.#projectNumbers = { ...projectNumbers };
  }

  // ---- introspection for tests -------------------------------------------------------

  storedValues(): string[] {
    return [...this.#stored];
  }

  secretIds(): string[] {
    return [...this.#secrets.values()].map((s) => s.id);
  }

  /** The project id behind a number (or the argument itself when it is an id). */
  projectIdOf(project: string): string {
    if (!/^\d+$/.test(project)) return project;
    return Object.entries(this.#projectNumbers).find(([, n]) => n === project)?.[0] ?? project;
  }

  /** The number of a project id (assigned on first use, as for requests). */
  projectNumberOf(project: string): string {
    return this.#projectNumber(project);
  }

  reset(): void {
    this.#secrets.clear();
    this.#stored = [];
  }

  // ---- RPCs ----------------------------------------------------------------------------

  createSecret(req: { parent?: string; secret_id?: string; secret?: SecretInput | null }) {
    const { projectNumber, location } = this.#parent(req.parent);
    const id = req.secret_id ?? '';
    if (!SECRET_ID.test(id)) throw invalid(`Secret ID [${id}] is invalid: it must be 1-255 characters of [A-Za-z0-9_-].`);
    const input = req.secret ?? {};
    const replication = this.#checkReplication(input.replication ?? null, location);
    const labels = checkLabels(input.labels ?? {});
    const annotations = checkAnnotations(input.annotations ?? {});
    const topics = checkTopics(input.topics ?? []);
    const rotation =
      input.rotation?.next_rotation_time || input.rotation?.rotation_period ? checkRotation(input.rotation, topics.length > 0, Date.now()) : null;
    const expireMs = expirationOf(input, Date.now());
    const key = this.#key(projectNumber, location, id);
    if (this.#secrets.has(key)) {
      throw new RpcError(status.ALREADY_EXISTS, `Secret [${secretName(projectNumber, location, id)}] already exists.`);
    }
    const secret: SecretRecord = {
      projectNumber,
      location,
      id,
      createTime: this.#now(),
      seq: ++this.#seq,
      replication,
      labels,
      annotations,
      versionAliases: {},
      topics,
      versionDestroyTtlMs: input.version_destroy_ttl ? durationMs(input.version_destroy_ttl) : null,
      rotation,
      expireMs,
      etag: newEtag(),
      versions: [],
    };
    this.#secrets.set(key, secret);
    return this.#secretOut(secret);
  }

  addSecretVersion(req: { parent?: string; payload?: { data?: Buffer; data_crc32c?: string | number | null } | null }) {
    const secret = this.#secret(req.parent);
    if (!req.payload) throw invalid('Payload is required.');
    const data = Buffer.from(req.payload.data ?? Buffer.alloc(0));
    if (data.length > MAX_PAYLOAD_BYTES) {
      throw invalid(`Secret payload data length must be at most ${MAX_PAYLOAD_BYTES} bytes.`);
    }
    const checksum = crc32c(data);
    const given = req.payload.data_crc32c;
    const clientChecksum = given !== undefined && given !== null;
    if (clientChecksum && Number(given) !== checksum) {
      throw invalid('The checksum in field data_crc32c did not match the data.');
    }
    const version: VersionRecord = {
      number: secret.versions.length + 1,
      createTime: this.#now(),
      state: 'ENABLED',
      data,
      crc32c: checksum,
      etag: newEtag(),
      clientChecksum,
    };
    secret.versions.push(version);
    this.#stored.push(data.toString('utf8'));
    return this.#versionOut(secret, version);
  }

  accessSecretVersion(req: { name?: string }) {
    const { secret, version } = this.#version(req.name, { allowAlias: true });
    if (version.state !== 'ENABLED') {
      throw new RpcError(status.FAILED_PRECONDITION, `Secret Version [${versionName(secret, version)}] is in ${version.state} state.`);
    }
    return {
      name: versionName(secret, version),
      payload: { data: version.data ?? Buffer.alloc(0), data_crc32c: String(version.crc32c) },
    };
  }

  getSecret(req: { name?: string }) {
    return this.#secretOut(this.#secret(req.name));
  }

  getSecretVersion(req: { name?: string }) {
    const { secret, version } = this.#version(req.name, { allowAlias: true });
    return this.#versionOut(secret, version);
  }

  listSecrets(req: { parent?: string; page_size?: number; page_token?: string; filter?: string }) {
    const { projectNumber, location } = this.#parent(req.parent);
    this.#expire();
    const match = secretFilter(req.filter ?? '');
    const all = [...this.#secrets.values()]
      .filter((s) => s.projectNumber === projectNumber && s.location === location && match(s))
      .sort((a, b) => b.seq - a.seq);
    const page = paginate(all, req, `secrets|${projectNumber}|${location}`);
    return { secrets: page.items.map((s) => this.#secretOut(s)), next_page_token: page.next, total_size: all.length };
  }

  listSecretVersions(req: { parent?: string; page_size?: number; page_token?: string; filter?: string }) {
    const secret = this.#secret(req.parent);
    const match = versionFilter(req.filter ?? '');
    const all = secret.versions
      .map((v) => this.#settle(v))
      .filter(match)
      .sort((a, b) => b.number - a.number);
    const page = paginate(all, req, `versions|${secret.projectNumber}|${secret.location}|${secret.id}`);
    return {
      versions: page.items.map((v) => this.#versionOut(secret, v)),
      next_page_token: page.next,
      total_size: all.length,
    };
  }

  enableSecretVersion(req: { name?: string; etag?: string }) {
    return this.#transition(req, (v) => {
      v.state = 'ENABLED';
      delete v.scheduledDestroyTime;
    });
  }

  disableSecretVersion(req: { name?: string; etag?: string }) {
    return this.#transition(req, (v) => {
      v.state = 'DISABLED';
      delete v.scheduledDestroyTime;
    });
  }

  destroySecretVersion(req: { name?: string; etag?: string }) {
    return this.#transition(req, (v, secret) => {
      if (secret.versionDestroyTtlMs) {
        // Delayed destroy: the version is disabled now and destroyed when the TTL ends.
        v.state = 'DISABLED';
        v.scheduledDestroyTime ??= this.#now() + secret.versionDestroyTtlMs;
        return;
      }
      this.#destroy(v, this.#now());
    });
  }

  updateSecret(req: { secret?: SecretInput | null; update_mask?: { paths?: string[] } | null }) {
    const input = req.secret;
    if (!input?.name) throw invalid('secret.name is required.');
    const secret = this.#secret(input.name);
    const paths = req.update_mask?.paths ?? [];
    if (paths.length === 0) throw invalid('update_mask is required and must name at least one field.');
    checkEtag(input.etag, secret.etag);
    // Validate every path before changing anything: an update applies whole or not at all.
    const changes: (() => void)[] = [];
    for (const raw of paths) {
      const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      switch (path) {
        case 'labels': {
          const labels = checkLabels(input.labels ?? {});
          changes.push(() => (secret.labels = labels));
          break;
        }
        case 'annotations': {
          const annotations = checkAnnotations(input.annotations ?? {});
          changes.push(() => (secret.annotations = annotations));
          break;
        }
        case 'topics': {
          const topics = checkTopics(input.topics ?? []);
          changes.push(() => (secret.topics = topics));
          break;
        }
        case 'version_aliases': {
          const aliases = checkAliases(input.version_aliases ?? {}, secret);
          changes.push(() => (secret.versionAliases = aliases));
          break;
        }
        case 'version_destroy_ttl': {
          const ttl = input.version_destroy_ttl ? durationMs(input.version_destroy_ttl) : null;
          changes.push(() => (secret.versionDestroyTtlMs = ttl));
          break;
        }
        case 'replication':
          throw invalid('replication is immutable.');
        case 'rotation':
        case 'rotation.next_rotation_time':
        case 'rotation.rotation_period': {
          const given = input.rotation ?? {};
          const merged =
            path === 'rotation'
              ? given
              : path === 'rotation.next_rotation_time'
                ? { ...rotationInput(secret.rotation), next_rotation_time: given.next_rotation_time }
                : { ...rotationInput(secret.rotation), rotation_period: given.rotation_period };
          const empty = !merged.next_rotation_time && !merged.rotation_period;
          const hasTopics = paths.includes('topics') ? (input.topics ?? []).length > 0 : secret.topics.length > 0;
          const rotation = empty ? null : checkRotation(merged, hasTopics, Date.now());
          changes.push(() => (secret.rotation = rotation));
          break;
        }
        case 'expire_time':
        case 'ttl': {
          const expireMs = expirationOf(path === 'ttl' ? { ttl: input.ttl } : { expire_time: input.expire_time }, Date.now());
          changes.push(() => (secret.expireMs = expireMs));
          break;
        }
        default:
          throw invalid(`Invalid update_mask path: ${raw}.`);
      }
    }
    for (const change of changes) change();
    secret.etag = newEtag();
    return this.#secretOut(secret);
  }

  deleteSecret(req: { name?: string; etag?: string }) {
    const secret = this.#secret(req.name);
    checkEtag(req.etag, secret.etag);
    this.#secrets.delete(this.#key(secret.projectNumber, secret.location, secret.id));
    return {};
  }

  // ---- internals -----------------------------------------------------------------------

  #transition(req: { name?: string; etag?: string }, apply: (v: VersionRecord, s: SecretRecord) => void) {
    const { secret, version } = this.#version(req.name, { allowAlias: false });
    checkEtag(req.etag, version.etag);
    if (version.state === 'DESTROYED') {
      throw new RpcError(status.FAILED_PRECONDITION, `Secret Version [${versionName(secret, version)}] is in DESTROYED state.`);
    }
    apply(version, secret);
    // Every modifying call changes the etag, no-ops included, and only the version's.
    version.etag = newEtag();
    return this.#versionOut(secret, version);
  }

  #destroy(v: VersionRecord, at: number) {
    v.state = 'DESTROYED';
    v.data = null;
    v.destroyTime = at;
    delete v.scheduledDestroyTime;
  }

  /** Applies a scheduled destroy whose time has come (done lazily, on each read). */
  #settle(v: VersionRecord): VersionRecord {
    if (v.scheduledDestroyTime !== undefined && v.scheduledDestroyTime <= Date.now()) {
      this.#destroy(v, v.scheduledDestroyTime);
    }
    return v;
  }

  /** Deletes secrets whose expire_time has come (done lazily, before each lookup or listing). */
  #expire(): void {
    const now = Date.now();
    for (const [key, secret] of this.#secrets) if (secret.expireMs !== null && secret.expireMs <= now) this.#secrets.delete(key);
  }

  #now(): number {
    this.#lastMs = Math.max(Date.now(), this.#lastMs + 1);
    return this.#lastMs;
  }

  #projectNumber(project: string): string {
    if (/^\d+$/.test(project)) return project;
    this.#projectNumbers[project] ??= String(this.#nextAssigned++);
    return this.#projectNumbers[project];
  }

  #key(projectNumber: string, location: string | null, id: string) {
    return `${projectNumber}|${location ?? ''}|${id}`;
  }

  #parent(name: string | undefined) {
    const m = PARENT_NAME.exec(name ?? '');
    if (!m) throw invalid(`Invalid resource field value in the request: parent [${name ?? ''}].`);
    return { projectNumber: this.#projectNumber(m[1]), location: m[2] ?? null };
  }

  #secret(name: string | undefined): SecretRecord {
    const m = SECRET_NAME.exec(name ?? '');
    if (!m) throw invalid(`Invalid resource field value in the request: name [${name ?? ''}].`);
    const projectNumber = this.#projectNumber(m[1]);
    const location = m[2] ?? null;
    this.#expire();
    const secret = this.#secrets.get(this.#key(projectNumber, location, m[3]));
    if (!secret) {
      throw new RpcError(status.NOT_FOUND, `Secret [${secretName(projectNumber, location, m[3])}] not found or has no versions.`);
    }
    return secret;
  }

  #version(name: string | undefined, { allowAlias }: { allowAlias: boolean }) {
    const m = VERSION_NAME.exec(name ?? '');
    if (!m) throw invalid(`Invalid resource field value in the request: name [${name ?? ''}].`);
    const secret = this.#secret(name!.slice(0, name!.lastIndexOf('/versions/')));
    const ref = m[4];
    let number: number | undefined;
    if (ref === 'latest') {
      // The newest by creation, whatever its state: no fallback to an older version.
      number = secret.versions.length || undefined;
    } else if (/^\d+$/.test(ref)) {
      number = Number(ref);
      if (number < 1) throw invalid(`Invalid version id [${ref}].`);
    } else if (allowAlias && ALIAS.test(ref)) {
      number = secret.versionAliases[ref];
    } else {
      throw invalid(`Invalid version id [${ref}].`);
    }
    const version = number === undefined ? undefined : secret.versions[number - 1];
    if (!version) {
      throw new RpcError(status.NOT_FOUND, `Secret Version [${secretName(secret.projectNumber, secret.location, secret.id)}/versions/${ref}] not found.`);
    }
    return { secret, version: this.#settle(version) };
  }

  #checkReplication(replication: SecretInput['replication'], location: string | null): unknown {
    if (location) {
      // Regional secrets live in one location; they take no replication policy.
      if (replication && (replication.automatic || replication.user_managed)) {
        throw invalid('Regional secrets do not accept a replication policy.');
      }
      return null;
    }
    if (replication?.automatic) return { automatic: {} };
    const replicas = replication?.user_managed?.replicas ?? [];
    if (replication?.user_managed) {
      if (replicas.length === 0 || replicas.some((r) => !r.location)) {
        throw invalid('Replication user_managed needs at least one replica, each with a location.');
      }
      return { user_managed: { replicas: replicas.map((r) => ({ location: r.location })) } };
    }
    throw invalid('Secret.replication is required.');
  }

  #secretOut(s: SecretRecord) {
    return {
      name: secretName(s.projectNumber, s.location, s.id),
      ...(s.replication ? { replication: s.replication } : {}),
      create_time: timestamp(s.createTime),
      labels: s.labels,
      annotations: s.annotations,
      topics: s.topics,
      version_aliases: Object.fromEntries(Object.entries(s.versionAliases).map(([k, v]) => [k, String(v)])),
      ...(s.versionDestroyTtlMs
        ? { version_destroy_ttl: { seconds: String(Math.floor(s.versionDestroyTtlMs / 1000)), nanos: (s.versionDestroyTtlMs % 1000) * 1e6 } }
        : {}),
      ...(s.rotation
        ? {
            rotation: {
              ...(s.rotation.nextMs !== null ? { next_rotation_time: timestamp(s.rotation.nextMs) } : {}),
              ...(s.rotation.periodMs !== null ? { rotation_period: { seconds: String(Math.floor(s.rotation.periodMs / 1000)), nanos: 0 } } : {}),
            },
          }
        : {}),
      ...(s.expireMs !== null ? { expire_time: timestamp(s.expireMs) } : {}),
      etag: s.etag,
    };
  }

  #versionOut(s: SecretRecord, v: VersionRecord) {
    return {
      name: versionName(s, v),
      create_time: timestamp(v.createTime),
      ...(v.destroyTime !== undefined ? { destroy_time: timestamp(v.destroyTime) } : {}),
      ...(v.scheduledDestroyTime !== undefined ? { scheduled_destroy_time: timestamp(v.scheduledDestroyTime) } : {}),
      state: v.state,
      ...(s.location ? {} : { replication_status: { automatic: {} } }),
      etag: v.etag,
      client_specified_payload_checksum: v.clientChecksum,
    };
  }
}

function secretName(projectNumber: string, location: string | null, id: string) {
  return location ? `projects/${projectNumber}/locations/${location}/secrets/${id}` : `projects/${projectNumber}/secrets/${id}`;
}

function versionName(s: SecretRecord, v: VersionRecord) {
  return `${secretName(s.projectNumber, s.location, s.id)}/versions/${v.number}`;
}

function checkEtag(given: string | undefined, current: string) {
  if (given && given !== current) {
    throw new RpcError(status.FAILED_PRECONDITION, 'The etag provided in the request does not match the current etag of the resource.');
  }
}

function checkLabels(labels: Record<string, string>): Record<string, string> {
  const entries = Object.entries(labels);
  if (entries.length > 64) throw invalid('A secret can have at most 64 labels.');
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) throw invalid(`Label key [${key}] is invalid.`);
    if (!LABEL_VALUE.test(value)) throw invalid(`Label value [${value}] for key [${key}] is invalid.`);
  }
  return { ...labels };
}

function checkAnnotations(annotations: Record<string, string>): Record<string, string> {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    if (!ANNOTATION_KEY.test(key)) throw invalid(`Annotation key [${key}] is invalid.`);
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size >= 16 * 1024) throw invalid('Annotations must total less than 16 KiB.');
  return { ...annotations };
}

const MIN_ROTATION_LEAD_MS = 300_000;
const HUNDRED_YEARS_MS = 3_153_600_000_000;

/** rotation (B.5): topics first; next_rotation_time 300 s to 100 years ahead; a period of 1 h to 100 years needs a next time. */
function checkRotation(
  rotation: { next_rotation_time?: Timestamp | null; rotation_period?: Duration | null },
  hasTopics: boolean,
  now: number,
): { nextMs: number | null; periodMs: number | null } {
  if (!hasTopics) throw invalid('A secret must have at least one topic before rotation can be set.');
  const nextMs = rotation.next_rotation_time ? timestampMs(rotation.next_rotation_time) : null;
  const periodMs = rotation.rotation_period ? durationMs(rotation.rotation_period) : null;
  if (nextMs !== null && (nextMs < now + MIN_ROTATION_LEAD_MS || nextMs > now + HUNDRED_YEARS_MS)) {
    throw invalid('rotation.next_rotation_time must be at least 300 seconds and at most 100 years in the future.');
  }
  if (periodMs !== null) {
    if (periodMs < 3_600_000 || periodMs > HUNDRED_YEARS_MS) throw invalid('rotation.rotation_period must be between 3600 seconds and 100 years.');
    if (nextMs === null) throw invalid('rotation.rotation_period requires rotation.next_rotation_time.');
  }
  return { nextMs, periodMs };
}

function rotationInput(rotation: SecretRecord['rotation']): { next_rotation_time?: Timestamp; rotation_period?: Duration } {
  return {
    ...(rotation?.nextMs != null ? { next_rotation_time: timestamp(rotation.nextMs) } : {}),
    ...(rotation?.periodMs != null ? { rotation_period: { seconds: String(rotation.periodMs / 1000) } } : {}),
  };
}

/** expire_time, or now + ttl (input only; the output shows expire_time). Null when neither. */
function expirationOf(input: { expire_time?: Timestamp | null; ttl?: Duration | null }, now: number): number | null {
  if (input.ttl) {
    const ttl = durationMs(input.ttl);
    if (ttl <= 0) throw invalid('ttl must be positive.');
    return now + ttl;
  }
  if (input.expire_time) {
    const at = timestampMs(input.expire_time);
    if (at <= now) throw invalid('expire_time must be in the future.');
    return at;
  }
  return null;
}

function checkTopics(topics: { name?: string }[]): { name: string }[] {
  if (topics.length > 10) throw invalid('A secret can have at most 10 topics.');
  return topics.map((t) => {
    if (!t.name || !/^projects\/[^/]+\/topics\/[^/]+$/.test(t.name)) throw invalid(`Topic name [${t.name ?? ''}] is invalid.`);
    return { name: t.name };
  });
}

function checkAliases(aliases: Record<string, string | number>, secret: SecretRecord): Record<string, number> {
  const entries = Object.entries(aliases);
  if (entries.length > 50) throw invalid('A secret can have at most 50 version aliases.');
  const out: Record<string, number> = {};
  for (const [alias, raw] of entries) {
    const n = Number(raw);
    if (!ALIAS.test(alias) || alias === 'latest' || alias === 'NEW') throw invalid(`Version alias [${alias}] is invalid.`);
    if (!Number.isInteger(n) || n < 1 || n > secret.versions.length) throw invalid(`Version alias [${alias}] points to no version.`);
    out[alias] = n;
  }
  return out;
}

/** Offset paging with an opaque token bound to the listing it came from. */
function paginate<T>(all: T[], req: { page_size?: number; page_token?: string; filter?: string }, scope: string) {
  const size = req.page_size ?? 0;
  if (size < 0) throw invalid('page_size must not be negative.');
  const limit = Math.min(size || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  let offset = 0;
  if (req.page_token) {
    let parsed: { o?: unknown; s?: unknown } = {};
    try {
      parsed = JSON.parse(Buffer.from(req.page_token, 'base64url').toString('utf8'));
    } catch {
      // handled below
    }
    if (typeof parsed.o !== 'number' || parsed.s !== `${scope}|${req.filter ?? ''}`) throw invalid('Invalid page token.');
    offset = parsed.o;
  }
  const items = all.slice(offset, offset + limit);
  const nextOffset = offset + items.length;
  const next = nextOffset < all.length ? Buffer.from(JSON.stringify({ o: nextOffset, s: `${scope}|${req.filter ?? ''}` })).toString('base64url') : '';
  return { items, next };
}

interface FilterTerm {
  negate: boolean;
  field: string;
  op: ':' | '=';
  value: string;
}

/** The small part of the filter language the app and the tests use: terms joined by AND. */
function parseFilter(filter: string): FilterTerm[] {
  const trimmed = filter.trim();
  if (!trimmed) return [];
  if (/\sOR\s|[()]/.test(trimmed)) throw invalid('The emulator supports only filters of terms joined by AND.');
  return trimmed.split(/\s+AND\s+/).map((term) => {
    const m = /^(NOT\s+|-)?([A-Za-z_.]+)\s*(:|=)\s*"?([^"]*)"?$/.exec(term.trim());
    if (!m) throw invalid(`Invalid filter term [${term}].`);
    return { negate: Boolean(m[1]), field: m[2], op: m[3] as ':' | '=', value: m[4] };
  });
}

function textMatch(actual: string | undefined, term: FilterTerm): boolean {
  if (actual === undefined) return false;
  if (term.op === ':' && term.value === '*') return true;
  if (term.op === '=') return actual === term.value;
  const pattern = new RegExp(
    term.value
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
    'i',
  );
  return pattern.test(actual);
}

function secretFilter(filter: string): (s: SecretRecord) => boolean {
  const terms = parseFilter(filter);
  for (const t of terms) {
    if (t.field !== 'name' && !t.field.startsWith('labels.')) throw invalid(`The emulator cannot filter secrets by ${t.field}.`);
  }
  return (s) =>
    terms.every((t) => {
      const actual = t.field === 'name' ? s.id : s.labels[t.field.slice('labels.'.length)];
      return textMatch(actual, t) !== t.negate;
    });
}

function versionFilter(filter: string): (v: VersionRecord) => boolean {
  const terms = parseFilter(filter);
  for (const t of terms) {
    if (t.field !== 'state') throw invalid(`The emulator cannot filter versions by ${t.field}.`);
    if (!['ENABLED', 'DISABLED', 'DESTROYED'].includes(t.value.toUpperCase())) throw invalid(`Invalid state [${t.value}].`);
  }
  return (v) => terms.every((t) => (v.state === t.value.toUpperCase()) !== t.negate);
}
