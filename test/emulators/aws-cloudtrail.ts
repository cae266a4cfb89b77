// A protocol-level CloudTrail LookupEvents for tests (cloud-apis.md A.5): JSON 1.1 over
// node:http on loopback, so the real @aws-sdk/client-cloudtrail talks to it as to AWS.
// Its events come from the Secrets Manager emulator's own calls (recordSecretsManagerCall,
// passed to startAwsSecretsManagerEmulator as `onCall`) or from tests (recordEvent), in
// the documented record shape: `CloudTrailEvent` is a JSON string whose
// requestParameters.secretId is whatever the caller passed, never a value.
//
// Strict where AWS is loose or unconfirmed, so the app is pushed to the safe side:
// StartTime older than 90 days is an InvalidTimeRangeException (clamp the window), and a
// NextToken replayed with other parameters is an InvalidNextTokenException. The rate
// limit is a token bucket (2 requests/s, burst 2) on its own clock, which tests may freeze.
// The bucket counts in whole milliseconds and integer units, so a refill is exact: half a
// second at 2 requests/s gives back one token, never 0.99999999 of one.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, regionOf, send, sendError } from './aws-json-wire';
import { FaultPlan, sleep } from './faults';
import { type Emulator, sharedMembers } from './emulator';

// The documented target; the current JS SDK sends the short form without the namespace.
const TARGETS = ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', 'CloudTrail_20131101.LookupEvents'];
const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'];
const WINDOW_MS = 90 * 24 * 3600 * 1000;

/** Who an access key belongs to: an IAM user, or a role session (AssumedRole). */
export type CloudTrailIdentity = { type: 'IAMUser'; arn: string; userName: string } | { type: 'AssumedRole'; roleArn: string; sessionName: string };

/** One Secrets Manager API call as the SM emulator saw it (identifiers only). */
export interface SecretsManagerCall {
  operation: string;
  /** The request body; only identifier fields are copied into the event. */
  input: Record<string, unknown>;
  region: string;
  accountId: string;
  accessKeyId: string;
  sourceIp: string;
  userAgent: string;
  /** The resolved secret's ARN when the call found one. */
  secretArn?: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface StoredEvent {
  seq: number;
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: Date;
  readOnly: boolean;
  accessKeyId: string;
  username: string;
  region: string;
  resources: { ResourceType: string; ResourceName: string }[];
  record: Record<string, unknown>;
}

/** `requests`: the LookupEvents requests received (throttled ones included). */
export interface CloudTrailEmulator extends Emulator<Record<string, unknown>> {
  events(): StoredEvent[];
  /** The hook for startAwsSecretsManagerEmulator({ onCall }). */
  recordSecretsManagerCall(call: SecretsManagerCall): void;
  /** Adds an event directly (e.g. an old one, or a call made as another principal). */
  recordEvent(call: SecretsManagerCall & { eventTime?: Date }): StoredEvent;
  setIdentity(accessKeyId: string, identity: CloudTrailIdentity): void;
}

export interface CloudTrailEmulatorOptions {
  port?: number;
  host?: string;
  /** Event time and the 90-day window; real time by default. */
  now?: () => Date;
  /** The rate limiter's clock in ms (performance.now by default; read in whole ms); freeze it to test throttling. */
  rateClock?: () => number;
  /** Requests per second (and burst), a whole number; 2 as in AWS. */
  ratePerSecond?: number;
  identities?: Record<string, CloudTrailIdentity>;
}

const READ_ONLY = /^(Get|Describe|List|BatchGet|Validate)/;

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function epochSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ApiError('ValidationException', `${field} is not a timestamp.`);
  return value * 1000;
}

export async function startCloudTrailEmulator(options: CloudTrailEmulatorOptions = {}): Promise<CloudTrailEmulator> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const clock = options.rateClock ?? (() => performance.now());
  const rateClock = () => Math.floor(clock());
  const rate = options.ratePerSecond ?? 2;
  // A token is TOKEN units; each millisecond adds `rate` units (rate * 1000 a second).
  const TOKEN = 1000;
  const identities = new Map(Object.entries(options.identities ?? {}));
  const faults = new FaultPlan();
  const requests: Record<string, unknown>[] = [];
  let events: StoredEvent[] = [];
  let seq = 0;
  let units = rate * TOKEN;
  let lastRefill = rateClock();

  function takeToken(): boolean {
    const t = rateClock();
    units = Math.min(rate * TOKEN, units + (t - lastRefill) * rate);
    lastRefill = t;
    if (units < TOKEN) return false;
    units -= TOKEN;
    return true;
  }

  function userIdentity(accessKeyId: string, accountId: string, at: Date): Record<string, unknown> {
    const identity = identities.get(accessKeyId) ?? {
      type: 'IAMUser' as const,
      arn: `arn:aws:iam::${accountId}:user/${accessKeyId}`,
      userName: accessKeyId,
    };
    if (identity.type === 'IAMUser') {
      return { type: 'IAMUser', principalId: `AIDA${accessKeyId.slice(-8)}`, arn: identity.arn, accountId, accessKeyId, userName: identity.userName };
    }
    const roleName = identity.roleArn.split('/').pop() ?? 'role';
    const roleId = `AROA${createHash('sha1').update(identity.roleArn).digest('hex').slice(0, 12).toUpperCase()}`;
    return {
      type: 'AssumedRole',
      principalId: `${roleId}:${identity.sessionName}`,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${identity.sessionName}`,
      accountId,
      accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: roleId, arn: identity.roleArn, accountId, userName: roleName },
        attributes: { creationDate: at.toISOString(), mfaAuthenticated: 'false' },
      },
    };
  }

  function recordEvent(call: SecretsManagerCall & { eventTime?: Date }): StoredEvent {
    const eventTime = call.eventTime ?? now();
    const eventId = randomUUID();
    const requestParameters: Record<string, unknown> = {};
    // Identifier fields only: SecretString, SecretBinary and RotationToken never appear.
    if (typeof call.input.SecretId === 'string') requestParameters.secretId = call.input.SecretId;
    if (typeof call.input.Name === 'string') requestParameters.name = call.input.Name;
    if (typeof call.input.VersionId === 'string') requestParameters.versionId = call.input.VersionId;
    if (typeof call.input.VersionStage === 'string') requestParameters.versionStage = call.input.VersionStage;
    const identity = userIdentity(call.accessKeyId, call.accountId, eventTime);
    const readOnly = READ_ONLY.test(call.operation);
    const record: Record<string, unknown> = {
      eventVersion: '1.09',
      userIdentity: identity,
      eventTime: eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: call.operation,
      awsRegion: call.region,
      sourceIPAddress: call.sourceIp,
      userAgent: call.userAgent,
      requestParameters,
      responseElements: null,
      requestID: randomUUID(),
      eventID: eventId,
      readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: call.accountId,
      eventCategory: 'Management',
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `secretsmanager.${call.region}.amazonaws.com` },
    };
    if (call.errorCode) {
      record.errorCode = call.errorCode;
      record.errorMessage = call.errorMessage ?? '';
    }
    const event: StoredEvent = {
      seq: ++seq,
      eventId,
      eventName: call.operation,
      eventSource: 'secretsmanager.amazonaws.com',
      eventTime,
      readOnly,
      accessKeyId: call.accessKeyId,
      username: String(identity.userName ?? (identity.arn as string).split('/').pop()),
      region: call.region,
      resources: call.secretArn ? [{ ResourceType: 'AWS::SecretsManager::Secret', ResourceName: call.secretArn }] : [],
      record,
    };
    events.push(event);
    return event;
  }

  function matches(event: StoredEvent, key: string, value: string): boolean {
    switch (key) {
      case 'EventId':
        return event.eventId === value;
      case 'EventName':
        return event.eventName === value;
      case 'ReadOnly':
        return String(event.readOnly) === value;
      case 'Username':
        return event.username === value;
      case 'ResourceType':
        return event.resources.some((r) => r.ResourceType === value);
      case 'ResourceName':
        return event.resources.some((r) => r.ResourceName === value);
      case 'EventSource':
        return event.eventSource === value;
      case 'AccessKeyId':
        return event.accessKeyId === value;
      default:
        return false;
    }
  }

  function lookup(input: Record<string, unknown>, region: string): Record<string, unknown> {
    const attributes = (input.LookupAttributes ?? []) as { AttributeKey?: string; AttributeValue?: string }[];
    if (!Array.isArray(attributes) || attributes.length > 1) {
      throw new ApiError('InvalidLookupAttributesException', 'You can specify at most one lookup attribute.');
    }
    const attribute = attributes[0];
    if (attribute && (!ATTRIBUTE_KEYS.includes(attribute.AttributeKey ?? '') || !attribute.AttributeValue || attribute.AttributeValue.length > 2000)) {
      throw new ApiError('InvalidLookupAttributesException', 'The lookup attribute is not valid.');
    }
    if (input.EventCategory !== undefined && input.EventCategory !== 'insight') {
      throw new ApiError('InvalidEventCategoryException', 'EventCategory must be insight.');
    }
    const maxResults = input.MaxResults ?? 50;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) {
      throw new ApiError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    }
    const nowMs = now().getTime();
    const windowStart = nowMs - WINDOW_MS;
    const start = epochSeconds(input.StartTime, 'StartTime') ?? windowStart;
    const end = epochSeconds(input.EndTime, 'EndTime') ?? nowMs;
    if (start > end) throw new ApiError('InvalidTimeRangeException', 'StartTime must be before EndTime.');
    if (start < windowStart - 60_000 || end < windowStart) {
      throw new ApiError('InvalidTimeRangeException', 'The time range is outside the 90-day lookup window.');
    }

    // The token pins the query and the set of events that existed at its first page.
    const { NextToken: token, ...query } = input;
    const queryHash = createHash('sha256').update(JSON.stringify(query)).digest('hex').slice(0, 16);
    let offset = 0;
    let asOf = seq;
    if (token !== undefined) {
      try {
        const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { q: string; o: number; s: number };
        if (parsed.q !== queryHash || !Number.isInteger(parsed.o) || !Number.isInteger(parsed.s)) throw new Error('mismatch');
        offset = parsed.o;
        asOf = parsed.s;
      } catch {
        throw new ApiError('InvalidNextTokenException', 'Invalid NextToken.');
      }
    }
    if (input.EventCategory === 'insight') return { Events: [] };
    const selected = events
      .filter((e) => e.seq <= asOf && e.region === region)
      .filter((e) => e.eventTime.getTime() >= Math.max(start, windowStart) && e.eventTime.getTime() <= end)
      .filter((e) => !attribute || matches(e, attribute.AttributeKey!, attribute.AttributeValue!))
      // Newest first, as CloudTrail returns them.
      .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime() || b.seq - a.seq);
    const page = selected.slice(offset, offset + maxResults);
    const output: Record<string, unknown> = {
      Events: page.map((e) => ({
        EventId: e.eventId,
        EventName: e.eventName,
        ReadOnly: String(e.readOnly),
        AccessKeyId: e.accessKeyId,
        EventTime: e.eventTime.getTime() / 1000,
        EventSource: e.eventSource,
        Username: e.username,
        Resources: e.resources,
        CloudTrailEvent: JSON.stringify(e.record),
      })),
    };
    if (offset + maxResults < selected.length) {
      output.NextToken = Buffer.from(JSON.stringify({ q: queryHash, o: offset + maxResults, s: asOf })).toString('base64url');
    }
    return output;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => sendError(res, 'InternalFailure', 'The emulator failed.', 500));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method !== 'POST' || !TARGETS.includes(String(req.headers['x-amz-target']))) {
      sendError(res, 'UnknownOperationException', 'Only LookupEvents is emulated.', 400);
      return;
    }
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      sendError(res, 'SerializationException', 'The request body is not JSON.', 400);
      return;
    }
    requests.push(input);
    const decision = faults.decide('LookupEvents');
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.error === 'throttled' || !takeToken()) {
      sendError(res, 'ThrottlingException', 'Rate exceeded', 400);
      return;
    }
    if (decision.error) {
      sendError(res, 'InternalFailure', 'Injected fault.', 500);
      return;
    }
    const region = regionOf(req);
    try {
      send(res, 200, lookup(input, region));
    } catch (error) {
      if (error instanceof ApiError) sendError(res, error.code, error.message, 400);
      else throw error;
    }
  }

  const port = await listen(server, host, options.port);

  return {
    ...sharedMembers(host, port, faults, requests),
    events: () => [...events],
    recordSecretsManagerCall: (call) => {
      recordEvent(call);
    },
    recordEvent,
    setIdentity: (accessKeyId, identity) => identities.set(accessKeyId, identity),
    reset() {
      events = [];
      requests.length = 0;
      faults.clear();
      units = rate * TOKEN;
      lastRefill = rateClock();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
