// The state and operations of the AWS Secrets Manager emulator, with no HTTP in sight:
// each operation takes the parsed JSON input and returns the JSON output or throws an
// AwsError. The rules follow /work/shared/docs/cloud-apis.md section A (staging labels A.2,
// idempotency tokens, error codes and messages), deliberately not moto's quirks (A.4).
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { FILTER_KEYS, type FilterKey, type ListFilter, secretMatches } from './aws-list-filters';
import { parseRotationRules, type RotationRules, type SimulatedRotationLambdas } from './aws-rotation';

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

export interface RequestContext {
  region: string;
  accountId: string;
}

interface Tag {
  Key: string;
  Value: string;
}

interface StoredVersion {
  versionId: string;
  /** Neither value set: the placeholder RotateSecret creates for the Lambda to fill. */
  secretString?: string;
  secretBinary?: string;
  stages: string[];
  createdAt: number;
  lastAccessedAt?: number;
}

interface StoredSecret {
  arn: string;
  name: string;
  region: string;
  description?: string;
  kmsKeyId?: string;
  tags: Tag[];
  createdAt: number;
  /** Creation order, so listings sort stably when two secrets share a millisecond. */
  seq: number;
  lastChangedAt: number;
  lastAccessedAt?: number;
  deletedAt?: number;
  /** Set by the first RotateSecret; CancelRotateSecret turns `enabled` off and keeps the rest. */
  rotation?: { enabled: boolean; lambdaArn: string; rules?: RotationRules; configuredAt: number; lastRotatedAt?: number };
  /** Insertion order = creation order. */
  versions: Map<string, StoredVersion>;
}

/** What tests may look at: the labels and metadata, never the values. */
export interface EmulatedSecretSnapshot {
  arn: string;
  name: string;
  description?: string;
  tags: Tag[];
  deletedDate?: Date;
  rotationEnabled?: boolean;
  versions: { versionId: string; stages: string[]; createdAt: Date }[];
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const PENDING = 'AWSPENDING';
const MAX_VALUE_BYTES = 65_536;
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const SUFFIX_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const DAY_MS = 86_400_000;

const MARKED_DELETED = "You tried to perform the operation on a secret that's currently marked deleted.";
const NOT_FOUND = "Secrets Manager can't find the specified secret.";

const seconds = (ms: number) => ms / 1000;
const hasValue = (v: StoredVersion) => v.secretString !== undefined || v.secretBinary !== undefined;
/** LastAccessedDate has day granularity: midnight UTC of the day of the access. */
const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

function validation(field: string, constraint: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`);
}

function optionalString(input: Json, field: string, min: number, max: number): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('SerializationException', `Field ${field} must be a string.`);
  // Lengths in bytes: the 64 KiB SecretString limit is a byte limit.
  const length = Buffer.byteLength(value, 'utf8');
  if (length < min) throw validation(lowerFirst(field), `Member must have length greater than or equal to ${min}`);
  if (length > max) throw validation(lowerFirst(field), `Member must have length less than or equal to ${max}`);
  return value;
}

function requiredString(input: Json, field: string, min: number, max: number): string {
  const value = optionalString(input, field, min, max);
  if (value === undefined) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalInt(input: Json, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new AwsError('SerializationException', `Field ${field} must be an integer.`);
  if (value < min) throw validation(lowerFirst(field), `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validation(lowerFirst(field), `Member must have value less than or equal to ${max}`);
  return value;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function parseTags(raw: unknown, field = 'tags'): Tag[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'Tags must be a list.');
  const tags = raw.map((entry, index) => {
    const tag = (entry ?? {}) as Json;
    const key = requiredString(tag, 'Key', 1, 128);
    const value = optionalString(tag, 'Value', 0, 256) ?? '';
    if (!TAG_PATTERN.test(key))
      throw validation(`${field}.${index + 1}.member.key`, 'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$');
    if (!TAG_PATTERN.test(value))
      throw validation(`${field}.${index + 1}.member.value`, 'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$');
    if (key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidParameterException', 'Tag keys starting with aws: are reserved.');
    return { Key: key, Value: value };
  });
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) {
    throw new AwsError('InvalidParameterException', 'You provided duplicate tag keys.');
  }
  return tags;
}

function parseStages(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'VersionStages must be a list.');
  if (raw.length < 1 || raw.length > 20) throw validation('versionStages', 'Member must have length between 1 and 20');
  return [
    ...new Set(
      raw.map((stage) => {
        if (typeof stage !== 'string' || stage.length < 1 || stage.length > 256)
          throw validation('versionStages.member', 'Member must have length between 1 and 256');
        return stage;
      }),
    ),
  ];
}

/** A paging token that is opaque to clients and only valid for the query it came from. */
function encodeToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: query })).toString('base64url');
}

function decodeToken(token: string | undefined, query: string): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === query) return parsed.o;
  } catch {
    // fall through: any undecodable token is invalid
  }
  throw new AwsError('InvalidNextTokenException', 'The NextToken value is not valid.');
}

const queryKey = (input: unknown) => createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16);

export class SecretsManagerStore {
  #secrets: StoredSecret[] = [];
  #storedValues: string[] = [];
  #seq = 0;
  #lastNow = 0;

  /** The rotation Lambdas RotateSecret may invoke; none means every ARN is unknown. */
  constructor(readonly lambdas?: SimulatedRotationLambdas) {}

  /** Strictly increasing milliseconds, so "newest first" is well defined within a test. */
  #now(): number {
    this.#lastNow = Math.max(Date.now(), this.#lastNow + 1);
    return this.#lastNow;
  }

  reset(): void {
    this.#secrets = [];
    this.#storedValues = [];
  }

  storedValues(): string[] {
    return [...this.#storedValues];
  }

  secretNames(): string[] {
    return this.#secrets.map((s) => s.name);
  }

  snapshot(nameOrArn: string): EmulatedSecretSnapshot | undefined {
    const secret = this.#secrets.find((s) => s.name === nameOrArn || s.arn === nameOrArn);
    if (!secret) return undefined;
    return {
      arn: secret.arn,
      name: secret.name,
      ...(secret.description !== undefined ? { description: secret.description } : {}),
      tags: secret.tags.map((t) => ({ ...t })),
      ...(secret.deletedAt !== undefined ? { deletedDate: new Date(secret.deletedAt) } : {}),
      ...(secret.rotation ? { rotationEnabled: secret.rotation.enabled } : {}),
      versions: [...secret.versions.values()].map((v) => ({ versionId: v.versionId, stages: [...v.stages], createdAt: new Date(v.createdAt) })),
    };
  }

  handle(operation: string, input: Json, ctx: RequestContext): Json {
    switch (operation) {
      case 'CreateSecret':
        return this.#createSecret(input, ctx);
      case 'PutSecretValue':
        return this.#putSecretValue(input, ctx);
      case 'UpdateSecret':
        return this.#updateSecret(input, ctx);
      case 'GetSecretValue':
        return this.#getSecretValue(input, ctx);
      case 'DescribeSecret':
        return this.#describe(this.#resolve(input, ctx), 'VersionIdsToStages');
      case 'ListSecrets':
        return this.#listSecrets(input, ctx);
      case 'ListSecretVersionIds':
        return this.#listSecretVersionIds(input, ctx);
      case 'UpdateSecretVersionStage':
        return this.#updateSecretVersionStage(input, ctx);
      case 'TagResource':
        return this.#tagResource(input, ctx);
      case 'UntagResource':
        return this.#untagResource(input, ctx);
      case 'DeleteSecret':
        return this.#deleteSecret(input, ctx);
      case 'RestoreSecret':
        return this.#restoreSecret(input, ctx);
      case 'RotateSecret':
        return this.#rotateSecret(input, ctx);
      case 'CancelRotateSecret':
        return this.#cancelRotateSecret(input, ctx);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by this emulator.`);
    }
  }

  // ---- identifiers -------------------------------------------------------------------

  /** Name, full ARN or partial ARN (the ARN without its 6-character suffix), within the region. */
  #find(secretId: string, ctx: RequestContext): StoredSecret | undefined {
    if (secretId.startsWith('arn:')) {
      return this.#secrets.find((s) => s.arn === secretId) ?? this.#secrets.find((s) => s.arn.slice(0, -7) === secretId);
    }
    return this.#secrets.find((s) => s.region === ctx.region && s.name === secretId);
  }

  #resolve(input: Json, ctx: RequestContext): StoredSecret {
    const secretId = requiredString(input, 'SecretId', 1, 2048);
    const secret = this.#find(secretId, ctx);
    if (!secret) throw new AwsError('ResourceNotFoundException', NOT_FOUND);
    return secret;
  }

  #resolveLive(input: Json, ctx: RequestContext): StoredSecret {
    const secret = this.#resolve(input, ctx);
    if (secret.deletedAt !== undefined) throw new AwsError('InvalidRequestException', MARKED_DELETED);
    return secret;
  }

  #newArn(name: string, ctx: RequestContext): string {
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
    return `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${name}-${suffix}`;
  }

  // ---- values and versions -----------------------------------------------------------

  #readValue(input: Json, required: boolean): { secretString?: string; secretBinary?: string } | undefined {
    const secretString = optionalString(input, 'SecretString', 1, MAX_VALUE_BYTES);
    const secretBinary = optionalString(input, 'SecretBinary', 1, Math.ceil((MAX_VALUE_BYTES * 4) / 3) + 4);
    if (secretBinary !== undefined && Buffer.from(secretBinary, 'base64').length > MAX_VALUE_BYTES) {
      throw validation('secretBinary', `Member must have length less than or equal to ${MAX_VALUE_BYTES}`);
    }
    if (secretString !== undefined && secretBinary !== undefined) {
      throw new AwsError('InvalidRequestException', "You can't specify both a binary secret value and a string secret value in the same secret.");
    }
    if (secretString === undefined && secretBinary === undefined) {
      if (required) throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
      return undefined;
    }
    return secretString !== undefined ? { secretString } : { secretBinary };
  }

  #token(input: Json): string {
    return optionalString(input, 'ClientRequestToken', 32, 64) ?? randomUUID();
  }

  /** The idempotency rule: an existing version with this token either repeats (same value)
   *  or clashes (different value). Returns the existing version on a repeat. */
  #checkToken(secret: StoredSecret, token: string, value: { secretString?: string; secretBinary?: string }): StoredVersion | undefined {
    const existing = secret.versions.get(token);
    if (!existing) return undefined;
    if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) return existing;
    throw new AwsError(
      'ResourceExistsException',
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${secret.arn}.`,
    );
  }

  #holder(secret: StoredSecret, label: string): StoredVersion | undefined {
    for (const version of secret.versions.values()) if (version.stages.includes(label)) return version;
    return undefined;
  }

  #detach(secret: StoredSecret, label: string): StoredVersion | undefined {
    const holder = this.#holder(secret, label);
    if (holder) holder.stages = holder.stages.filter((s) => s !== label);
    return holder;
  }

  /** AWSCURRENT moves to `target`; the version it left takes AWSPREVIOUS (A.2). */
  #moveCurrent(secret: StoredSecret, target: StoredVersion): void {
    const previousCurrent = this.#holder(secret, CURRENT);
    if (previousCurrent === target) return;
    if (previousCurrent) {
      previousCurrent.stages = previousCurrent.stages.filter((s) => s !== CURRENT);
      this.#detach(secret, PREVIOUS);
      previousCurrent.stages.push(PREVIOUS);
    }
    if (target.stages.includes(PREVIOUS)) target.stages = target.stages.filter((s) => s !== PREVIOUS);
    target.stages.push(CURRENT);
  }

  /** A value written with a token: fills RotateSecret's placeholder of that token, repeats
   *  an identical earlier write, or adds a new version. */
  #write(secret: StoredSecret, token: string, value: { secretString?: string; secretBinary?: string }, stages?: string[]): StoredVersion {
    const existing = secret.versions.get(token);
    if (existing && !hasValue(existing)) {
      Object.assign(existing, value);
      this.#label(secret, existing, stages);
      if (value.secretString !== undefined) this.#storedValues.push(value.secretString);
      secret.lastChangedAt = this.#now();
      return existing;
    }
    return this.#checkToken(secret, token, value) ?? this.#addVersion(secret, token, value, stages);
  }

  #addVersion(secret: StoredSecret, token: string, value: { secretString?: string; secretBinary?: string }, stages?: string[]): StoredVersion {
    const now = this.#now();
    const version: StoredVersion = { versionId: token, ...value, stages: [], createdAt: now };
    secret.versions.set(token, version);
    this.#label(secret, version, stages);
    if (value.secretString !== undefined) this.#storedValues.push(value.secretString);
    secret.lastChangedAt = now;
    return version;
  }

  /** The labels of a version just given a value: the ones asked for, else AWSCURRENT (A.2). */
  #label(secret: StoredSecret, version: StoredVersion, stages?: string[]): void {
    const labels = stages ? [...stages] : [CURRENT];
    // The first value of a secret is always current, whatever labels were asked for.
    if (!labels.includes(CURRENT) && !this.#holder(secret, CURRENT)) labels.push(CURRENT);
    for (const label of labels) {
      if (label === CURRENT) continue;
      if (version.stages.includes(label)) continue;
      this.#detach(secret, label);
      version.stages.push(label);
    }
    if (labels.includes(CURRENT)) this.#moveCurrent(secret, version);
  }

  // ---- operations --------------------------------------------------------------------

  #createSecret(input: Json, ctx: RequestContext): Json {
    const name = requiredString(input, 'Name', 1, 512);
    if (!NAME_PATTERN.test(name)) {
      throw new AwsError('ValidationException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    }
    const token = this.#token(input);
    const description = optionalString(input, 'Description', 0, 2048);
    const kmsKeyId = optionalString(input, 'KmsKeyId', 0, 2048);
    const tags = parseTags(input.Tags);
    const value = this.#readValue(input, false);

    const existing = this.#secrets.find((s) => s.region === ctx.region && s.name === name);
    if (existing) {
      if (existing.deletedAt !== undefined) {
        throw new AwsError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
      }
      const repeat = value && this.#checkToken(existing, token, value);
      if (repeat) return { ARN: existing.arn, Name: existing.name, VersionId: repeat.versionId };
      throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }

    const now = this.#now();
    const secret: StoredSecret = {
      arn: this.#newArn(name, ctx),
      name,
      region: ctx.region,
      ...(description ? { description } : {}),
      ...(kmsKeyId && kmsKeyId !== 'alias/aws/secretsmanager' ? { kmsKeyId } : {}),
      tags,
      createdAt: now,
      seq: this.#seq++,
      lastChangedAt: now,
      versions: new Map(),
    };
    this.#secrets.push(secret);
    if (!value) return { ARN: secret.arn, Name: secret.name };
    const version = this.#addVersion(secret, token, value);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId };
  }

  #putSecretValue(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    const token = this.#token(input);
    const value = this.#readValue(input, true)!;
    const stages = parseStages(input.VersionStages);
    const version = this.#write(secret, token, value, stages);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] };
  }

  #updateSecret(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    const token = this.#token(input);
    const description = optionalString(input, 'Description', 0, 2048);
    const kmsKeyId = optionalString(input, 'KmsKeyId', 0, 2048);
    const value = this.#readValue(input, false);
    let version: StoredVersion | undefined;
    if (value) version = this.#write(secret, token, value);
    if (description !== undefined) secret.description = description;
    if (kmsKeyId !== undefined) secret.kmsKeyId = kmsKeyId;
    if (description !== undefined || kmsKeyId !== undefined) secret.lastChangedAt = this.#now();
    return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) };
  }

  #getSecretValue(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolve(input, ctx);
    const versionId = optionalString(input, 'VersionId', 32, 64);
    const stage = optionalString(input, 'VersionStage', 1, 256);
    if (secret.deletedAt !== undefined) {
      throw new AwsError('InvalidRequestException', MARKED_DELETED);
    }
    let version: StoredVersion | undefined;
    if (versionId !== undefined) {
      version = secret.versions.get(versionId);
      if (!version) throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      if (stage !== undefined && !version.stages.includes(stage)) {
        throw new AwsError('InvalidRequestException', 'You provided a VersionStage that is not associated to the provided VersionId.');
      }
      if (!hasValue(version))
        throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    } else {
      const label = stage ?? CURRENT;
      version = this.#holder(secret, label);
      if (!version || !hasValue(version)) {
        throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${label}`);
      }
    }
    const accessed = dayOf(Date.now());
    secret.lastAccessedAt = accessed;
    version.lastAccessedAt = accessed;
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString !== undefined ? { SecretString: version.secretString } : { SecretBinary: version.secretBinary }),
      VersionStages: [...version.stages],
      CreatedDate: seconds(version.createdAt),
    };
  }

  #versionsToStages(secret: StoredSecret): Record<string, string[]> | undefined {
    const map: Record<string, string[]> = {};
    for (const version of secret.versions.values()) if (version.stages.length > 0) map[version.versionId] = [...version.stages];
    return Object.keys(map).length > 0 ? map : undefined;
  }

  /** DescribeSecret and ListSecrets entries: only the fields that have a value. */
  #describe(secret: StoredSecret, stagesField: 'VersionIdsToStages' | 'SecretVersionsToStages'): Json {
    const stages = this.#versionsToStages(secret);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description !== undefined ? { Description: secret.description } : {}),
      ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
      LastChangedDate: seconds(secret.lastChangedAt),
      ...(secret.lastAccessedAt !== undefined ? { LastAccessedDate: seconds(secret.lastAccessedAt) } : {}),
      ...(secret.deletedAt !== undefined ? { DeletedDate: seconds(secret.deletedAt) } : {}),
      ...this.#describeRotation(secret),
      ...(secret.tags.length > 0 ? { Tags: secret.tags.map((t) => ({ ...t })) } : {}),
      ...(stages ? { [stagesField]: stages } : {}),
      CreatedDate: seconds(secret.createdAt),
    };
  }

  #parseFilters(raw: unknown): ListFilter[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw new AwsError('SerializationException', 'Filters must be a list.');
    if (raw.length > 10) throw validation('filters', 'Member must have length less than or equal to 10');
    return raw.map((entry, index) => {
      const filter = (entry ?? {}) as Json;
      if (filter.Key === undefined || filter.Key === null) throw new AwsError('InvalidParameterException', 'Invalid filter key');
      if (!FILTER_KEYS.includes(filter.Key as FilterKey)) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '${String(filter.Key)}' at 'filters.${index + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
        );
      }
      const values = filter.Values;
      if (!Array.isArray(values) || values.length === 0) throw new AwsError('InvalidParameterException', 'Invalid filter values');
      if (values.length > 10) throw validation(`filters.${index + 1}.member.values`, 'Member must have length less than or equal to 10');
      for (const value of values) {
        if (typeof value !== 'string' || value.length < 1 || value.length > 512) {
          throw validation(`filters.${index + 1}.member.values`, 'Member must have length between 1 and 512');
        }
      }
      return { Key: filter.Key as FilterKey, Values: values as string[] };
    });
  }

  #listSecrets(input: Json, ctx: RequestContext): Json {
    const maxResults = optionalInt(input, 'MaxResults', 1, 100) ?? 100;
    const nextToken = optionalString(input, 'NextToken', 1, 4096);
    const filters = this.#parseFilters(input.Filters);
    const includeDeleted = input.IncludePlannedDeletion === true;
    const sortOrder = input.SortOrder ?? 'asc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw validation('sortOrder', 'Member must satisfy enum value set: [asc, desc]');

    const matching = this.#secrets
      .filter((s) => s.region === ctx.region)
      .filter((s) => includeDeleted || s.deletedAt === undefined)
      .filter((s) => secretMatches(s, filters))
      .sort((a, b) => (a.createdAt - b.createdAt || a.seq - b.seq) * (sortOrder === 'desc' ? -1 : 1));
    const query = queryKey({ filters, includeDeleted, sortOrder, region: ctx.region });
    const offset = decodeToken(nextToken, query);
    const page = matching.slice(offset, offset + maxResults);
    const next = offset + maxResults < matching.length ? encodeToken(offset + maxResults, query) : undefined;
    return { SecretList: page.map((s) => this.#describe(s, 'SecretVersionsToStages')), ...(next ? { NextToken: next } : {}) };
  }

  #listSecretVersionIds(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolve(input, ctx);
    const maxResults = optionalInt(input, 'MaxResults', 1, 100) ?? 100;
    const nextToken = optionalString(input, 'NextToken', 1, 4096);
    const includeDeprecated = input.IncludeDeprecated === true;
    const versions = [...secret.versions.values()].filter((v) => includeDeprecated || v.stages.length > 0).sort((a, b) => b.createdAt - a.createdAt);
    const query = queryKey({ arn: secret.arn, includeDeprecated });
    const offset = decodeToken(nextToken, query);
    const page = versions.slice(offset, offset + maxResults);
    const next = offset + maxResults < versions.length ? encodeToken(offset + maxResults, query) : undefined;
    return {
      Versions: page.map((v) => ({
        VersionId: v.versionId,
        ...(v.stages.length > 0 ? { VersionStages: [...v.stages] } : {}),
        ...(v.lastAccessedAt !== undefined ? { LastAccessedDate: seconds(v.lastAccessedAt) } : {}),
        CreatedDate: seconds(v.createdAt),
        KmsKeyIds: [secret.kmsKeyId ?? 'DefaultEncryptionKey'],
      })),
      ...(next ? { NextToken: next } : {}),
      ARN: secret.arn,
      Name: secret.name,
    };
  }

  #updateSecretVersionStage(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    const label = requiredString(input, 'VersionStage', 1, 256);
    const moveToId = optionalString(input, 'MoveToVersionId', 32, 64);
    const removeFromId = optionalString(input, 'RemoveFromVersionId', 32, 64);
    const moveTo = moveToId !== undefined ? secret.versions.get(moveToId) : undefined;
    if (moveToId !== undefined && !moveTo) throw new AwsError('InvalidParameterException', `Not a valid version: ${moveToId}`);
    if (removeFromId !== undefined && !secret.versions.has(removeFromId))
      throw new AwsError('InvalidParameterException', `Not a valid version: ${removeFromId}`);
    if (moveToId === undefined && removeFromId === undefined) {
      throw new AwsError('InvalidParameterException', 'You must specify MoveToVersionId, RemoveFromVersionId, or both.');
    }
    const holder = this.#holder(secret, label);
    if (removeFromId !== undefined && holder?.versionId !== removeFromId) {
      throw new AwsError(
        'InvalidParameterException',
        `The staging label ${label} is currently not attached to version ${removeFromId}, so you can't remove it from that version.`,
      );
    }
    if (moveTo && holder && holder !== moveTo && removeFromId === undefined) {
      throw new AwsError(
        'InvalidParameterException',
        `The parameter RemoveFromVersionId can't be empty. Staging label ${label} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    if (moveTo) {
      if (label === CURRENT) this.#moveCurrent(secret, moveTo);
      else if (holder !== moveTo) {
        this.#detach(secret, label);
        moveTo.stages.push(label);
      }
    } else if (holder) {
      holder.stages = holder.stages.filter((s) => s !== label);
    }
    secret.lastChangedAt = this.#now();
    return { ARN: secret.arn, Name: secret.name };
  }

  #tagResource(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    if (input.Tags === undefined || input.Tags === null) throw validation('tags', 'Member must not be null');
    for (const tag of parseTags(input.Tags)) {
      const existing = secret.tags.find((t) => t.Key === tag.Key);
      if (existing) existing.Value = tag.Value;
      else secret.tags.push(tag);
    }
    secret.lastChangedAt = this.#now();
    return {};
  }

  #untagResource(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    const keys = input.TagKeys;
    if (!Array.isArray(keys)) throw validation('tagKeys', 'Member must not be null');
    secret.tags = secret.tags.filter((t) => !keys.includes(t.Key));
    secret.lastChangedAt = this.#now();
    return {};
  }

  #deleteSecret(input: Json, ctx: RequestContext): Json {
    const secretId = requiredString(input, 'SecretId', 1, 2048);
    const force = input.ForceDeleteWithoutRecovery === true;
    const windowGiven = input.RecoveryWindowInDays !== undefined && input.RecoveryWindowInDays !== null;
    if (force && windowGiven) {
      throw new AwsError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const window = input.RecoveryWindowInDays ?? 30;
    if (typeof window !== 'number' || !Number.isInteger(window) || window < 7 || window > 30) {
      throw new AwsError('InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const secret = this.#find(secretId, ctx);
    const now = this.#now();
    if (force) {
      // Force on a missing or already-deleted secret succeeds (A.3).
      if (secret) this.#secrets = this.#secrets.filter((s) => s !== secret);
      return {
        ...(secret ? { ARN: secret.arn, Name: secret.name } : secretId.startsWith('arn:') ? { ARN: secretId } : { Name: secretId }),
        DeletionDate: seconds(now),
      };
    }
    if (!secret) throw new AwsError('ResourceNotFoundException', NOT_FOUND);
    if (secret.deletedAt !== undefined) throw new AwsError('InvalidRequestException', MARKED_DELETED);
    secret.deletedAt = now + window * DAY_MS;
    secret.lastChangedAt = now;
    return { ARN: secret.arn, Name: secret.name, DeletionDate: seconds(secret.deletedAt) };
  }

  #restoreSecret(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolve(input, ctx);
    if (secret.deletedAt !== undefined) {
      delete secret.deletedAt;
      secret.lastChangedAt = this.#now();
    }
    return { ARN: secret.arn, Name: secret.name };
  }

  // ---- rotation (A.3 RotateSecret, CancelRotateSecret) ------------------------------

  #describeRotation(secret: StoredSecret): Json {
    const rotation = secret.rotation;
    if (!rotation) return {};
    const days = rotation.rules?.AutomaticallyAfterDays;
    return {
      RotationEnabled: rotation.enabled,
      RotationLambdaARN: rotation.lambdaArn,
      ...(rotation.rules ? { RotationRules: { ...rotation.rules } } : {}),
      // Null while rotation is off (A.3).
      ...(rotation.enabled && rotation.lastRotatedAt !== undefined ? { LastRotatedDate: seconds(rotation.lastRotatedAt) } : {}),
      ...(rotation.enabled && days !== undefined ? { NextRotationDate: seconds((rotation.lastRotatedAt ?? rotation.configuredAt) + days * DAY_MS) } : {}),
    };
  }

  #rotateSecret(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    const token = this.#token(input);
    const lambdaArnGiven = optionalString(input, 'RotationLambdaARN', 0, 2048);
    const rules = parseRotationRules(input.RotationRules, (code, message) => new AwsError(code, message));
    const immediately = input.RotateImmediately !== false;
    const lambdaArn = lambdaArnGiven || secret.rotation?.lambdaArn;
    if (!lambdaArn) throw new AwsError('InvalidRequestException', 'No Lambda rotation function ARN is associated with this secret.');
    if (!this.lambdas?.has(lambdaArn)) {
      throw new AwsError(
        'AccessDeniedException',
        'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
      );
    }
    // The token is the new version's id: a repeated request finds its version and starts
    // nothing new (the emulator's reading of token idempotency; AWS does not document it).
    if (secret.versions.has(token)) return { ARN: secret.arn, Name: secret.name, VersionId: token };
    // In progress = AWSPENDING on a version other than the AWSCURRENT one (A.3; moto inverts it).
    const pending = this.#holder(secret, PENDING);
    if (pending && pending !== this.#holder(secret, CURRENT)) {
      throw new AwsError('InvalidRequestException', "A previous rotation isn't complete. That rotation will be reattempted.");
    }
    const now = this.#now();
    secret.rotation = {
      enabled: true,
      lambdaArn,
      configuredAt: now,
      ...((rules ?? secret.rotation?.rules) ? { rules: rules ?? secret.rotation?.rules } : {}),
      ...(secret.rotation?.lastRotatedAt !== undefined ? { lastRotatedAt: secret.rotation.lastRotatedAt } : {}),
    };
    secret.lastChangedAt = now;
    // Without RotateImmediately only testSecret runs, which leaves nothing behind.
    if (!immediately) return { ARN: secret.arn, Name: secret.name };

    // The new version exists at once, with AWSPENDING and no value: the Lambda's createSecret
    // step finds it in VersionIdsToStages and puts the value with the same token.
    const placeholder: StoredVersion = { versionId: token, stages: [], createdAt: now };
    secret.versions.set(token, placeholder);
    this.#detach(secret, PENDING);
    placeholder.stages.push(PENDING);
    const secretArn = secret.arn;
    this.lambdas.invoke(
      { lambdaArn, secretArn, token },
      {
        call: (operation, lambdaInput) => this.handle(operation, lambdaInput, ctx),
        rotated: () => {
          if (secret.rotation) secret.rotation.lastRotatedAt = this.#now();
        },
      },
    );
    return { ARN: secret.arn, Name: secret.name, VersionId: token };
  }

  #cancelRotateSecret(input: Json, ctx: RequestContext): Json {
    const secret = this.#resolveLive(input, ctx);
    if (!secret.rotation) {
      throw new AwsError('InvalidRequestException', "Secrets Manager can't cancel rotation because rotation is not configured for this secret.");
    }
    secret.rotation.enabled = false;
    secret.lastChangedAt = this.#now();
    // The partial version a cancelled rotation leaves, for the caller to clean up.
    const pending = this.#holder(secret, PENDING);
    const partial = pending && pending !== this.#holder(secret, CURRENT) ? pending : undefined;
    return { ARN: secret.arn, Name: secret.name, ...(partial ? { VersionId: partial.versionId } : {}) };
  }
}
