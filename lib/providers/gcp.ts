// The GCP Secret Manager adapter: writes a value as a new secret version (creating the
// secret with labels the first time), lists versions with their states, and enables or
// disables old ones. GCP has no request token on AddSecretVersion, so a retried submit
// would add a second version: nothing here retries a write, and the data layer dedupes
// submits (nativeIdempotency = false). Every failure leaves as a ProviderError written
// in gcp-errors.ts; the value is revealed only into the request payload.
import 'server-only';
import { crc32c } from '@node-rs/crc32';
import type { protos } from '@google-cloud/secret-manager';
import type { CallOptions } from 'google-gax';
import { MAX_SECRET_VALUE_BYTES } from '@/lib/secret-value';
import { ProviderError } from './errors';
import { RotationUnsupported } from './rotation-unsupported';
import { gcpClient } from './gcp-client';
import { gcpProviderError, grpcStatusOf } from './gcp-errors';
import { gcpLabels, gcpParent, gcpSecretName, secretIdOf, splitSecretName, versionNumberOf } from './gcp-names';
import type {
  ConnectionConfig,
  ConnectionTestResult,
  ProviderVersion,
  SecretProvider,
  VersionState,
  WriteValueInput,
  WrittenVersion,
} from './types';

type SecretVersion = protos.google.cloud.secretmanager.v1.ISecretVersion;

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const MAX_DESCRIPTION_BYTES = 8 * 1024;

const STATES: Record<string, VersionState> = { ENABLED: 'enabled', DISABLED: 'disabled', DESTROYED: 'destroyed' };

function toDate(ts: protos.google.protobuf.ITimestamp | null | undefined): Date | null {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return null;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

export class GcpSecretManagerProvider extends RotationUnsupported implements SecretProvider {
  readonly kind = 'gcp' as const;
  readonly nativeIdempotency = false;

  constructor(
    readonly config: Extract<ConnectionConfig, { kind: 'gcp' }>,
    readonly options: { timeoutMs: number },
  ) {
    super();
  }

  /** One deadline per call and no automatic retries: a retried AddSecretVersion could add
   *  a second version, and reads are cheap for the person to repeat. */
  get #call(): CallOptions {
    return { timeout: this.options.timeoutMs, retry: null };
  }

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      await gcpClient(this.config).listSecrets(
        { parent: gcpParent(this.config), pageSize: 1 },
        { ...this.#call, autoPaginate: false },
      );
      const where = this.config.location ? ` in ${this.config.location}` : '';
      return { ok: true, detail: `Reached GCP Secret Manager for project ${this.config.projectId}${where}` };
    } catch (error) {
      const mapped = gcpProviderError(error, 'test');
      return { ok: false, code: mapped.code, message: mapped.message };
    }
  }

  async writeValue(input: WriteValueInput): Promise<WrittenVersion> {
    const name = gcpSecretName(this.config, input.ref);
    if (input.value.byteLength > MAX_SECRET_VALUE_BYTES) {
      throw new ProviderError('invalid', 'The value is larger than 64 KiB, the most GCP Secret Manager stores in one version.');
    }
    const data = Buffer.from(input.value.reveal(), 'utf8');
    try {
      let createdSecret = false;
      let version: SecretVersion;
      try {
        version = await this.#addVersion(name, data);
      } catch (error) {
        if (grpcStatusOf(error) !== NOT_FOUND) throw error;
        createdSecret = await this.#createSecret(name, input);
        version = await this.#addVersion(name, data);
      }
      const versionId = versionNumberOf(version.name);
      if (!versionId || secretIdOf(version.name) !== splitSecretName(name).secretId) {
        throw new ProviderError('unknown', 'GCP Secret Manager answered with a version of another secret. Nothing was recorded.');
      }
      return { versionId, createdAt: toDate(version.createTime) ?? new Date(), createdSecret };
    } catch (error) {
      throw gcpProviderError(error, 'write');
    } finally {
      // Our copy of the value is no longer needed once the request has been sent.
      data.fill(0);
    }
  }

  async listVersions(ref: string): Promise<ProviderVersion[]> {
    const name = gcpSecretName(this.config, ref);
    let versions: SecretVersion[];
    try {
      [versions] = await gcpClient(this.config).listSecretVersions({ parent: name }, { ...this.#call, autoPaginate: true });
    } catch (error) {
      if (grpcStatusOf(error) === NOT_FOUND) return [];
      throw gcpProviderError(error, 'list');
    }
    const out = versions
      .map((v) => ({
        versionId: versionNumberOf(v.name) ?? '',
        createdAt: toDate(v.createTime),
        labels: [],
        state: STATES[String(v.state)] ?? 'disabled',
        current: false,
      }))
      .filter((v) => /^\d+$/.test(v.versionId))
      // Newest first by number, whatever order the server used.
      .sort((a, b) => Number(b.versionId) - Number(a.versionId));
    // `latest` is the newest version whatever its state, with no fallback: if that one is
    // not enabled, a plain read fails and no version is current.
    if (out[0]?.state === 'enabled') out[0].current = true;
    return out;
  }

  async setVersionEnabled(ref: string, versionId: string, enabled: boolean): Promise<void> {
    const secret = gcpSecretName(this.config, ref);
    if (!/^[1-9]\d*$/.test(versionId)) {
      throw new ProviderError('invalid', 'A GCP secret version id is a positive number.');
    }
    const request = { name: `${secret}/versions/${versionId}` };
    const client = gcpClient(this.config);
    try {
      if (enabled) await client.enableSecretVersion(request, this.#call);
      else await client.disableSecretVersion(request, this.#call);
    } catch (error) {
      throw gcpProviderError(error, 'set-state');
    }
  }

  async moveLabel(): Promise<void> {
    throw new ProviderError(
      'unsupported',
      'GCP Secret Manager has no staging labels: GCP uses version states (enabled, disabled, destroyed) and reads the newest version.',
    );
  }

  async #addVersion(name: string, data: Buffer): Promise<SecretVersion> {
    const [version] = await gcpClient(this.config).addSecretVersion(
      // data_crc32c lets the server reject a payload damaged on the way.
      { parent: name, payload: { data, dataCrc32c: crc32c(data) } },
      this.#call,
    );
    return version;
  }

  /** True when this call created the secret; false when another writer won the race. */
  async #createSecret(name: string, input: WriteValueInput): Promise<boolean> {
    const { parent, secretId } = splitSecretName(name);
    const regional = parent.includes('/locations/');
    const description = input.description ? truncateUtf8(input.description, MAX_DESCRIPTION_BYTES) : '';
    try {
      await gcpClient(this.config).createSecret(
        {
          parent,
          secretId,
          secret: {
            // Regional secrets live in their one location and take no replication policy.
            ...(regional ? {} : { replication: { automatic: {} } }),
            labels: gcpLabels(input.labels),
            ...(description ? { annotations: { description } } : {}),
          },
        },
        this.#call,
      );
      return true;
    } catch (error) {
      // Someone else created it between our add and create: add to theirs.
      if (grpcStatusOf(error) !== ALREADY_EXISTS) throw error;
      return false;
    }
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  // Drop a partial trailing character rather than emit U+FFFD.
  return buf.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
}
