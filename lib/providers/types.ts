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
  /** 'pending': written but not yet current (AWS: AWSPENDING), for rotations that verify
   *  before promoting. Providers without staging (GCP, local) write it as current.
   *  Default 'current'. */
  stage?: 'current' | 'pending';
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

export type ConnectionTestResult = { ok: true; detail: string } | { ok: false; code: import('./errors').ProviderErrorCode; message: string };

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
  /** Providers with native idempotency (AWS, local): the version a write with this token
   *  produced, or null when none did (so far). GCP: throws ProviderError('unsupported'). */
  versionWrittenWith(ref: string, token: string): Promise<ProviderVersion | null>;
  /** GCP and local: enable or disable an old version. AWS: throws ProviderError('unsupported'). */
  setVersionEnabled(ref: string, versionId: string, enabled: boolean): Promise<void>;
  /** AWS: move a staging label onto a version (AWSCURRENT moves AWSPREVIOUS with it).
   *  GCP and local: throws ProviderError('unsupported'). */
  moveLabel(ref: string, label: string, toVersionId: string): Promise<void>;
  /** Set these keys on the provider secret (AWS tags, GCP labels; the adapter sanitises them
   *  as at creation) and leave its other keys alone. Local: throws ProviderError('unsupported'). */
  setLabels(ref: string, labels: Record<string, string>): Promise<void>;

  // --- Rotation (lib/rotation). Every method is idempotent: a step re-run after a crash
  // --- must find the work done and succeed without doing it twice.

  /** Can a written version stay non-current until promoted (AWS: AWSPENDING)? */
  readonly supportsStaging: boolean;
  /** The version a plain read returns now, or null when there is none. */
  currentVersionId(ref: string): Promise<string | null>;
  /** Make `versionId` current. The version current before stays valid as the previous
   *  one (AWS: AWSPREVIOUS; GCP/local: still ENABLED). AWS also drops AWSPENDING from it. */
  promote(ref: string, versionId: string): Promise<void>;
  /** End an old version's grace: AWS removes its labels (it becomes deprecated);
   *  GCP and local disable it. */
  retire(ref: string, versionId: string): Promise<void>;
  /** Within the grace period: make `previousVersionId` current again and retire
   *  `failedVersionId`. AWS moves AWSCURRENT back; GCP and local (where the newest
   *  version is current) add the previous value again as a new version, written with
   *  `token`, and disable the failed one. Returns the version current afterwards. */
  rollback(ref: string, previousVersionId: string, failedVersionId: string, token: string): Promise<{ currentVersionId: string }>;
  /** One version's value (current when omitted), for server-side rotation steps only:
   *  a PostgreSQL admin credential, a rollback. Never leaves the server. */
  readValue(ref: string, versionId?: string): Promise<SecretValue>;
  /** AWS only: RotateSecret with the secret's rotation Lambda (or `lambdaArn`), using
   *  `token` as ClientRequestToken; returns the new AWSPENDING version id. Others throw
   *  ProviderError('unsupported'). */
  startNativeRotation(ref: string, token: string, lambdaArn?: string): Promise<{ versionId: string }>;
  /** AWS only: 'completed' once `versionId` holds AWSCURRENT; 'in_progress' while it
   *  holds AWSPENDING; 'failed' when it holds neither (the Lambda gave up). */
  nativeRotationStatus(ref: string, versionId: string): Promise<'in_progress' | 'completed' | 'failed'>;
}
