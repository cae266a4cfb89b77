// The one interface every secret manager sits behind. The data layer (lib/data/secret-values.ts)
// talks to this and never to an SDK; adapters (aws.ts, gcp.ts, local.ts) translate it to
// their cloud's API and rewrite every failure into a ProviderError (errors.ts) whose
// message is safe to show: it never contains a value.
import 'server-only';
import type { SecretValue } from '@/lib/secret-value';

/** Where a connection points. The dashboard stores no cloud credentials: the SDKs use
 *  their default chains (instance/task role, web identity, ADC, workload identity). */
export type ConnectionConfig =
  | { kind: 'aws'; region: string; roleArn?: string | null; endpoint?: string | null }
  | { kind: 'gcp'; projectId: string; location?: string | null; endpoint?: string | null }
  | { kind: 'local' };

export type ProviderKindWithAdapter = ConnectionConfig['kind'];

export interface WriteValueInput {
  /** The provider reference stored on the inventory secret: an AWS name or ARN, a GCP
   *  secret id or full resource name, a local name. */
  ref: string;
  value: SecretValue;
  /** A UUID chosen per submit. AWS: ClientRequestToken, so a retried submit returns the
   *  same version. Providers without native idempotency ignore it (the data layer dedupes). */
  idempotencyToken: string;
  /** Applied only when the provider secret is created: AWS tags, GCP labels (adapters
   *  sanitise keys and values to the provider's rules). */
  labels: Record<string, string>;
  description?: string;
}

export interface WrittenVersion {
  versionId: string;
  createdAt: Date;
  /** True when this write also created the provider secret. */
  createdSecret: boolean;
}

export type VersionState = 'enabled' | 'disabled' | 'destroyed' | 'deprecated';

export interface ProviderVersion {
  versionId: string;
  createdAt: Date | null;
  /** AWS staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING, custom); empty elsewhere. */
  labels: string[];
  /** GCP/local: the version state. AWS: 'enabled' while labelled, 'deprecated' once not. */
  state: VersionState;
  /** The version a plain read returns today (AWSCURRENT, GCP newest ENABLED = latest). */
  current: boolean;
}

export type ConnectionTestResult =
  | { ok: true; detail: string }
  | { ok: false; code: import('./errors').ProviderErrorCode; message: string };

export interface SecretProvider {
  readonly kind: ProviderKindWithAdapter;
  /** Does the provider enforce the idempotency token itself (AWS, local)? */
  readonly nativeIdempotency: boolean;
  /** A cheap call that proves reachability and list permission. Never throws. */
  testConnection(): Promise<ConnectionTestResult>;
  /** Create the secret when missing (with labels), then add a version that becomes current. */
  writeValue(input: WriteValueInput): Promise<WrittenVersion>;
  /** Newest first. Empty when the provider secret does not exist yet. */
  listVersions(ref: string): Promise<ProviderVersion[]>;
  /** GCP and local: enable or disable an old version. AWS: throws ProviderError('unsupported'). */
  setVersionEnabled(ref: string, versionId: string, enabled: boolean): Promise<void>;
  /** AWS: move a staging label onto a version (AWSCURRENT moves AWSPREVIOUS with it).
   *  GCP and local: throws ProviderError('unsupported'). */
  moveLabel(ref: string, label: string, toVersionId: string): Promise<void>;
}
