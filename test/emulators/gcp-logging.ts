// A protocol-level Cloud Logging v2 for tests (cloud-apis.md B.6): a gRPC server speaking
// the LoggingServiceV2 protos shipped with @google-cloud/logging (via
// @google-cloud/logging-api), so the real `Logging.getEntries()` reaches it over loopback.
// Only ListLogEntries is served. Entries are Cloud Audit logs of Secret Manager calls, fed
// by the Secret Manager emulator's `onCall` hook (recordSecretManagerCall): AccessSecretVersion
// goes to the Data Access log (only while Data Access logs are on; off is GCP's default,
// here a switch), writes go to the Admin Activity log (always on). Never a payload.
//
// Filters: the conjunction (AND) of `field OP "value"` terms, OP in = >= > <= <, over
// logName, protoPayload.serviceName, protoPayload.methodName, protoPayload.resourceName,
// resource.type and timestamp; anything else is INVALID_ARGUMENT, so a filter the app
// sends that this emulator cannot honour fails loudly instead of matching everything.
import { createHash, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { AUDIT_LOG_TYPE_URL, encodeAuditLog } from '../../lib/access/audit-log-wire';
import { FaultPlan } from './faults';
import { type Emulator, sharedMembers } from './emulator';
import { GRPC_FAULT_STATUS, loadGoogleProto } from './grpc-support';
import type { GcpSecretManagerCall } from './gcp-secret-manager';

const SERVICE = 'secretmanager.googleapis.com';
const METHOD_PREFIX = 'google.cloud.secretmanager.v1.SecretManagerService.';
const DATA_READ = new Set(['AccessSecretVersion']);
const ADMIN_WRITE = new Set([
  'CreateSecret',
  'AddSecretVersion',
  'UpdateSecret',
  'DeleteSecret',
  'EnableSecretVersion',
  'DisableSecretVersion',
  'DestroySecretVersion',
]);
const MAX_PAGE = 1000;

export interface StoredLogEntry {
  projectId: string;
  projectNumber: string;
  logName: string;
  insertId: string;
  timestamp: Date;
  serviceName: string;
  methodName: string;
  resourceName: string;
  principalEmail: string;
  callerIp: string;
  userAgent: string;
  statusCode: number;
}

/** `requests`: the ListLogEntries requests as received (snake_case fields). */
export interface GcpLoggingEmulator extends Emulator<Record<string, unknown>> {
  entries(): StoredLogEntry[];
  /** The hook for startGcpSecretManagerEmulator({ onCall }). */
  recordSecretManagerCall(call: GcpSecretManagerCall): void;
  /** Who the next Secret Manager calls are made as (default: a service account). */
  setCaller(principalEmail: string): void;
  /** Data Access logs on or off (GCP's default is off; this emulator starts on). */
  setDataAccessLogs(on: boolean): void;
}

export interface GcpLoggingEmulatorOptions {
  port?: number;
  host?: string;
  now?: () => Date;
  caller?: string;
  dataAccessLogs?: boolean;
}

function loadService(): grpc.ServiceDefinition {
  const pkg = loadGoogleProto('@google-cloud/logging-api', 'google/logging/v2/logging.proto') as unknown as {
    google: { logging: { v2: { LoggingServiceV2: grpc.ServiceClientConstructor } } };
  };
  return pkg.google.logging.v2.LoggingServiceV2.service;
}

class FilterError extends Error {}

type Term = { field: string; op: string; value: string };

const FIELDS: Record<string, (e: StoredLogEntry) => string> = {
  logName: (e) => e.logName,
  'protoPayload.serviceName': (e) => e.serviceName,
  'protoPayload.methodName': (e) => e.methodName,
  'protoPayload.resourceName': (e) => e.resourceName,
  'resource.type': () => 'audited_resource',
};

function parseFilter(filter: string): Term[] {
  if (filter.length > 20_000) throw new FilterError('The filter is longer than 20000 characters.');
  const trimmed = filter.trim();
  if (!trimmed) return [];
  return trimmed.split(/\s+AND\s+/).map((part) => {
    const m = /^\(?\s*([A-Za-z.]+)\s*(>=|<=|=|>|<)\s*"([^"]*)"\s*\)?$/.exec(part.trim());
    if (!m || !(m[1] in FIELDS || m[1] === 'timestamp')) throw new FilterError(`Unsupported filter term: ${part}`);
    if (m[1] === 'timestamp' && Number.isNaN(Date.parse(m[3]))) throw new FilterError(`Invalid timestamp: ${m[3]}`);
    return { field: m[1], op: m[2], value: m[3] };
  });
}

function compare(a: number | string, b: number | string, op: string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '>=':
      return a >= b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a < b;
  }
}

function matchesTerm(entry: StoredLogEntry, term: Term): boolean {
  if (term.field === 'timestamp') return compare(entry.timestamp.getTime(), Date.parse(term.value), term.op);
  return compare(FIELDS[term.field](entry), term.value, term.op);
}

function timestampOf(date: Date) {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export async function startGcpLoggingEmulator(options: GcpLoggingEmulatorOptions = {}): Promise<GcpLoggingEmulator> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const faults = new FaultPlan();
  const requests: Record<string, unknown>[] = [];
  let entries: StoredLogEntry[] = [];
  let caller = options.caller ?? 'app@emulated-project.iam.gserviceaccount.com';
  let dataAccessLogs = options.dataAccessLogs ?? true;
  let lastMs = 0;

  function recordSecretManagerCall(call: GcpSecretManagerCall): void {
    const dataRead = DATA_READ.has(call.rpc);
    if (!dataRead && !ADMIN_WRITE.has(call.rpc)) return;
    if (dataRead && !dataAccessLogs) return;
    // Distinct, increasing timestamps keep the order well defined.
    lastMs = Math.max(now().getTime(), lastMs + 1);
    const log = dataRead ? 'data_access' : 'activity';
    entries.push({
      projectId: call.projectId,
      projectNumber: call.projectNumber,
      logName: `projects/${call.projectId}/logs/cloudaudit.googleapis.com%2F${log}`,
      insertId: randomBytes(6).toString('hex'),
      timestamp: new Date(lastMs),
      serviceName: SERVICE,
      methodName: METHOD_PREFIX + call.rpc,
      // The project by number, as Google writes resource names.
      resourceName: (call.resolvedName ?? call.requestName).replace(/^projects\/[^/]+/, `projects/${call.projectNumber}`),
      principalEmail: caller,
      callerIp: call.callerIp,
      userAgent: call.userAgent,
      statusCode: call.code,
    });
  }

  function listLogEntries(req: { resource_names?: string[]; filter?: string; order_by?: string; page_size?: number; page_token?: string }) {
    const resourceNames = req.resource_names ?? [];
    if (resourceNames.length === 0) throw Object.assign(new FilterError('resource_names is required.'), {});
    const projects = resourceNames.map((r) => {
      const m = /^projects\/([^/]+)$/.exec(r);
      if (!m) throw new FilterError(`Unsupported resource name: ${r}`);
      return m[1];
    });
    const terms = parseFilter(req.filter ?? '');
    const order = (req.order_by ?? 'timestamp asc').trim();
    if (order !== 'timestamp asc' && order !== 'timestamp desc') throw new FilterError(`Unsupported order_by: ${order}`);
    const pageSize = Math.min(req.page_size || MAX_PAGE, MAX_PAGE);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([resourceNames, req.filter ?? '', order]))
      .digest('hex')
      .slice(0, 16);
    let offset = 0;
    if (req.page_token) {
      try {
        const parsed = JSON.parse(Buffer.from(req.page_token, 'base64url').toString('utf8')) as { f: string; o: number };
        if (parsed.f !== fingerprint || !Number.isInteger(parsed.o)) throw new Error('mismatch');
        offset = parsed.o;
      } catch {
        throw new FilterError('The page token does not belong to this request.');
      }
    }
    const direction = order === 'timestamp asc' ? 1 : -1;
    const selected = entries
      .filter((e) => projects.includes(e.projectId) || projects.includes(e.projectNumber))
      .filter((e) => terms.every((t) => matchesTerm(e, t)))
      .sort((a, b) => direction * (a.timestamp.getTime() - b.timestamp.getTime() || a.insertId.localeCompare(b.insertId)));
    const page = selected.slice(offset, offset + pageSize);
    return {
      entries: page.map((e) => ({
        log_name: e.logName,
        resource: { type: 'audited_resource', labels: { service: SERVICE, method: e.methodName, project_id: e.projectId } },
        proto_payload: {
          type_url: AUDIT_LOG_TYPE_URL,
          value: encodeAuditLog({
            serviceName: e.serviceName,
            methodName: e.methodName,
            resourceName: e.resourceName,
            status: e.statusCode ? { code: e.statusCode, message: 'denied or failed' } : undefined,
            authenticationInfo: { principalEmail: e.principalEmail },
            requestMetadata: { callerIp: e.callerIp, callerSuppliedUserAgent: e.userAgent },
          }),
        },
        timestamp: timestampOf(e.timestamp),
        receive_timestamp: timestampOf(e.timestamp),
        severity: e.statusCode ? 'ERROR' : 'INFO',
        insert_id: e.insertId,
      })),
      next_page_token: offset + pageSize < selected.length ? Buffer.from(JSON.stringify({ f: fingerprint, o: offset + pageSize })).toString('base64url') : '',
    };
  }

  const server = new grpc.Server();
  server.addService(loadService(), {
    ListLogEntries: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      requests.push(call.request as Record<string, unknown>);
      const decision = faults.decide('ListLogEntries');
      if (decision.error) {
        callback({ code: GRPC_FAULT_STATUS[decision.error], details: `Injected ${decision.error}.` });
        return;
      }
      try {
        callback(null, listLogEntries(call.request as never));
      } catch (error) {
        if (error instanceof FilterError) callback({ code: grpc.status.INVALID_ARGUMENT, details: error.message });
        else callback({ code: grpc.status.INTERNAL, details: 'Emulator failure.' });
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  return {
    ...sharedMembers(host, port, faults, requests),
    entries: () => [...entries],
    recordSecretManagerCall,
    setCaller: (email) => {
      caller = email;
    },
    setDataAccessLogs: (on) => {
      dataAccessLogs = on;
    },
    reset() {
      entries = [];
      requests.length = 0;
      faults.clear();
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
