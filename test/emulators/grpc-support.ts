// What the gRPC emulators (Secret Manager, Cloud Logging) share: the status each injected
// fault answers with, and loading a Google API's service definition from the protos its
// own client package ships (plus google-gax's common protos), as the real SDK does.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { FaultError } from './faults';

export const GRPC_FAULT_STATUS: Record<FaultError, grpc.status> = {
  not_found: grpc.status.NOT_FOUND,
  permission_denied: grpc.status.PERMISSION_DENIED,
  throttled: grpc.status.RESOURCE_EXHAUSTED,
  unavailable: grpc.status.UNAVAILABLE,
  internal: grpc.status.INTERNAL,
  invalid: grpc.status.INVALID_ARGUMENT,
};

const require = createRequire(import.meta.url);
const GAX_PROTOS = path.join(path.dirname(require.resolve('google-gax')), '..', '..', 'build', 'protos');

/**
 * The gRPC package of `protoFile`, read from the protos of `clientPackage`
 * (e.g. '@google-cloud/secret-manager').
 */
export function loadGoogleProto(clientPackage: string, protoFile: string): grpc.GrpcObject {
  const protoRoot = path.dirname(require.resolve(`${clientPackage}/build/protos/protos.json`));
  const definition = protoLoader.loadSync(protoFile, {
    includeDirs: [protoRoot, GAX_PROTOS],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition);
}
