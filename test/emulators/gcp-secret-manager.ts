// A protocol-level GCP Secret Manager v1 emulator: a real gRPC server speaking the
// service's own .proto files, so the real @google-cloud/secret-manager client reaches it
// over loopback exactly as it reaches Google. Behaviour lives in gcp-secret-manager-state.ts;
// this module is the transport: proto loading, the request log, fault injection
// (FaultPlan from faults.ts) and connection drops.
//
// TCP connections are accepted by our own net.Server and handed to grpc-js through its
// public connection injector, so a `drop` fault can destroy the very socket a call came in
// on: the client then sees the connection die mid-call, as with a real network failure.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { FaultPlan, sleep } from './faults';
import { type Emulator, sharedMembers } from './emulator';
import { GRPC_FAULT_STATUS, loadGoogleProto } from './grpc-support';
import { GcpSecretManagerState, RpcError } from './gcp-secret-manager-state';

/** `requests`: the RPC names (dropped calls included). `reset()` also forgets every secret and stored value. */
export interface GcpSecretManagerEmulator extends Emulator<string> {
  /** Every payload ever stored (utf8), destroyed and deleted ones included: the canary's haystack. */
  storedValues(): string[];
  /** Ids of the secrets that exist now (any project, any location). */
  secretIds(): string[];
  /** Creates secrets straight in memory, no RPCs (benchmarks): each with `versions` versions. */
  seedSecrets(parent: string, secrets: { id: string; labels?: Record<string, string>; versions: number }[]): void;
}

export interface GcpSecretManagerEmulatorOptions {
  port?: number;
  host?: string;
  /** Project id -> project number, as responses name projects by number. Unlisted ids get
   *  a number assigned on first use; requests may use either form. */
  projectNumbers?: Record<string, string>;
  /** Called after every handled RPC (success or error), e.g. the Cloud Logging emulator's
   *  recordSecretManagerCall, which turns it into an audit log entry. */
  onCall?: (call: GcpSecretManagerCall) => void;
}

/** One RPC as this emulator handled it: identifiers only, never a payload. */
export interface GcpSecretManagerCall {
  rpc: string;
  /** The resource name the caller passed (`name` or `parent`). */
  requestName: string;
  /** The resource name of the result (project by number, version resolved), when it succeeded. */
  resolvedName?: string;
  projectId: string;
  projectNumber: string;
  /** gRPC status code; 0 when it succeeded. */
  code: number;
  message?: string;
  callerIp: string;
  userAgent: string;
}

function loadService(): grpc.ServiceDefinition {
  const pkg = loadGoogleProto('@google-cloud/secret-manager', 'google/cloud/secretmanager/v1/service.proto') as unknown as {
    google: { cloud: { secretmanager: { v1: { SecretManagerService: grpc.ServiceClientConstructor } } } };
  };
  return pkg.google.cloud.secretmanager.v1.SecretManagerService.service;
}

/** A stand-in for what a careless server could put in an error: the whole request,
 *  payload included. Injected faults carry it, so a test fails if an adapter ever passes
 *  an SDK error message through to the person at the form. */
function echo(request: unknown): string {
  return JSON.stringify(request, (_key, value) =>
    value && typeof value === 'object' && value.type === 'Buffer' && Array.isArray(value.data) ? Buffer.from(value.data).toString('utf8') : value,
  );
}

export async function startGcpSecretManagerEmulator(options: GcpSecretManagerEmulatorOptions = {}): Promise<GcpSecretManagerEmulator> {
  const host = options.host ?? '127.0.0.1';
  const state = new GcpSecretManagerState(options.projectNumbers);
  const faults = new FaultPlan();
  const requests: string[] = [];
  const sockets = new Map<string, net.Socket>();

  const server = new grpc.Server();
  const handlers: Record<string, (req: never) => unknown> = {
    CreateSecret: (r) => state.createSecret(r),
    AddSecretVersion: (r) => state.addSecretVersion(r),
    AccessSecretVersion: (r) => state.accessSecretVersion(r),
    GetSecret: (r) => state.getSecret(r),
    GetSecretVersion: (r) => state.getSecretVersion(r),
    ListSecrets: (r) => state.listSecrets(r),
    ListSecretVersions: (r) => state.listSecretVersions(r),
    EnableSecretVersion: (r) => state.enableSecretVersion(r),
    DisableSecretVersion: (r) => state.disableSecretVersion(r),
    DestroySecretVersion: (r) => state.destroySecretVersion(r),
    UpdateSecret: (r) => state.updateSecret(r),
    DeleteSecret: (r) => state.deleteSecret(r),
  };

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [rpc, handle] of Object.entries(handlers)) {
    implementation[rpc] = async (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      requests.push(rpc);
      const decision = faults.decide(rpc);
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      // A call whose deadline passed during the delay is not carried out: grpc-js has
      // already told the client DEADLINE_EXCEEDED, and a real server stops work too.
      if (call.cancelled) return;
      if (decision.drop) {
        const socket = sockets.get(call.getPeer());
        // Unknown peer (should not happen): drop every connection rather than hang the call.
        for (const s of socket ? [socket] : sockets.values()) s.destroy();
        return;
      }
      if (decision.error) {
        callback({
          code: GRPC_FAULT_STATUS[decision.error],
          details: `Injected ${decision.error} for ${rpc}; request was ${echo(call.request)}`,
        });
        return;
      }
      const request = call.request as { name?: string; parent?: string; secret?: { name?: string } };
      const requestName = request.name ?? request.parent ?? request.secret?.name ?? '';
      const report = (outcome: { code: number; message?: string; resolvedName?: string }) => {
        if (!options.onCall) return;
        const project = /^projects\/([^/]+)/.exec(requestName)?.[1] ?? '';
        options.onCall({
          rpc,
          requestName,
          projectId: state.projectIdOf(project),
          projectNumber: project ? state.projectNumberOf(project) : '',
          callerIp: call.getPeer().replace(/:\d+$/, ''),
          userAgent: String(call.metadata.get('user-agent')[0] ?? ''),
          ...outcome,
        });
      };
      try {
        const response = handle(call.request as never) as { name?: string } | undefined;
        report({ code: grpc.status.OK, resolvedName: response?.name });
        callback(null, response);
      } catch (error) {
        if (error instanceof RpcError) {
          report({ code: error.code, message: error.message });
          callback({ code: error.code, details: error.message });
        } else callback({ code: grpc.status.INTERNAL, details: 'Emulator failure.' });
      }
    };
  }
  server.addService(loadService(), implementation);

  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const listener = net.createServer((socket) => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    sockets.set(peer, socket);
    socket.on('close', () => sockets.delete(peer));
    injector.injectConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (listener.address() as net.AddressInfo).port;

  return {
    ...sharedMembers(host, port, faults, requests),
    storedValues: () => state.storedValues(),
    secretIds: () => state.secretIds(),
    seedSecrets(parent, secrets) {
      for (const secret of secrets) {
        const { name } = state.createSecret({ parent, secret_id: secret.id, secret: { replication: { automatic: {} }, labels: secret.labels ?? {} } });
        for (let v = 0; v < secret.versions; v++) state.addSecretVersion({ parent: name, payload: { data: Buffer.from(`seeded-${v}`) } });
      }
    },
    reset() {
      state.reset();
      faults.clear();
      requests.length = 0;
    },
    async close() {
      for (const socket of sockets.values()) socket.destroy();
      injector.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      server.forceShutdown();
    },
  };
}
