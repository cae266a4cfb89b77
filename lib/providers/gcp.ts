// The GCP Secret Manager adapter: writes a value as a new secret version (creating the
// secret with labels the first time), lists versions with their states, and enables or
// disables old ones. GCP has no request token on AddSecretVersion, so a retried submit
// would add a second version: nothing here retries a write, and the data layer dedupes
// submits (nativeIdempotency = false). Every failure leaves as a ProviderError written
// in gcp-errors.ts; the value is revealed only into the request payload.
// Rotation: GCP reads the newest version, so there is no staging (a pending write is current
// at once); retiring disables a version, and a rollback adds the previous value again.
import 'server-only';
import { crc32c } from '@node-rs/crc32';
import type { protos } from '@google-cloud/secret-manager';
import type { CallOptions } from 'google-gax';
import { MAX_SECRET_VALUE_BYTES, SecretValue } from '@/lib/secret-value';
import { ProviderError } from './errors';
import { gcpClient } from './gcp-client';
import { gcpProviderError, grpcStatusOf } from './gcp-errors';
import { gcpLabels, gcpParent, gcpSecretName, secretIdOf, splitSecretName, versionNumberOf } from './gcp-names';
import type { ConnectionConfig, ConnectionTestResult, ProviderVersion, SecretProvider, VersionState, WriteValueInput, WrittenVersion } from './types';

type SecretVersion = protos.google.cloud.secretmanager.v1.ISecretVersion;

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const MAX_DESCRIPTION_BYTES = 8 * 1024;

const VERSION_NUMBER = /^[1-9]\d*$/;

const MESSAGES = {
  notNewest: 'A newer version was written meanwhile, so this one was not made current. Reload the versions.',
  retireCurrent: 'This version is the current one (the newest enabled version); it cannot be retired.',
  previousGone: 'The previous version is no longer enabled (its grace period is over), so there is nothing to roll back to.',
  rollbackMoved: 'A newer version was written after the rotation, so the rollback was not done. Reload the versions.',
  corrupted: 'GCP Secret Manager returned a value whose checksum does not match. Nothing was used; try again.',
  nativeRotation:
    'GCP Secret Manager has no provider-native rotation (it only sends SECRET_ROTATE notifications). Use the generated or PostgreSQL strategy for GCP secrets.',
} as const;

const STATES: Record<string, VersionState> = { ENABLED: 'enabled', DISABLED: 'disabled', DESTROYED: 'destroyed' };

function toDate(ts: protos.google.protobuf.ITimestamp | null | undefined): Date | null {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return null;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

export class GcpSecretManagerProvider implements SecretProvider {
  readonly kind = 'gcp' as const;
  readonly nativeIdempotency = false;
  /** The newest version is what a plain read returns: `stage: 'pending'` is written as current. */
  readonly supportsStaging = false;

  constructor(
    readonly config: Extract<ConnectionConfig, { kind: 'gcp' }>,
    readonly options: { timeoutMs: number },
  ) {}

  /** One deadline per call and no automatic retries: a retried AddSecretVersion could add
   *  a second version, and reads are cheap for the person to repeat. */
  get #call(): CallOptions {
    return { timeout: this.options.timeoutMs, retry: null };
  }

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      await (await gcpClient(this.config)).listSecrets({ parent: gcpParent(this.config), pageSize: 1 }, { ...this.#call, autoPaginate: false });
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
      [versions] = await (await gcpClient(this.config)).listSecretVersions({ parent: name }, { ...this.#call, autoPaginate: true });
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

  /** GCP keeps no write tokens: the write service looks for versions by time instead. */
  async versionWrittenWith(): Promise<ProviderVersion | null> {
    throw new ProviderError('unsupported', 'GCP Secret Manager keeps no write tokens.');
  }

  async setVersionEnabled(ref: string, versionId: string, enabled: boolean): Promise<void> {
    const secret = gcpSecretName(this.config, ref);
    if (!/^[1-9]\d*$/.test(versionId)) {
      throw new ProviderError('invalid', 'A GCP secret version id is a positive number.');
    }
    const request = { name: `${secret}/versions/${versionId}` };
    const client = await gcpClient(this.config);
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

  // ---- rotation ------------------------------------------------------------------------

  /** UpdateSecret with update_mask "labels" replaces the whole map, so ours are merged into
   *  the secret's current labels, and the etag read with them makes a concurrent change
   *  fail (ABORTED: conflict) rather than be overwritten. */
  async setLabels(ref: string, labels: Record<string, string>): Promise<void> {
    const name = gcpSecretName(this.config, ref);
    const client = await gcpClient(this.config);
    try {
      const [secret] = await client.getSecret({ name }, this.#call);
      await client.updateSecret(
        { secret: { name, labels: { ...(secret.labels ?? {}), ...gcpLabels(labels) }, etag: secret.etag }, updateMask: { paths: ['labels'] } },
        this.#call,
      );
    } catch (error) {
      throw gcpProviderError(error, 'labels');
    }
  }

  async currentVersionId(ref: string): Promise<string | null> {
    return (await this.listVersions(ref)).find((v) => v.current)?.versionId ?? null;
  }

  /** The newest version is current by construction: promoting makes sure `versionId` is
   *  that one and enabled. Anything newer means someone else wrote meanwhile: a conflict. */
  async promote(ref: string, versionId: string): Promise<void> {
    const [newest] = await this.listVersions(ref);
    if (!newest) throw new ProviderError('not_found');
    if (newest.versionId !== versionId || newest.state === 'destroyed') {
      throw new ProviderError('conflict', MESSAGES.notNewest);
    }
    if (newest.state !== 'enabled') await this.#setState(ref, versionId, 'enable');
  }

  /** Disables the version. Already disabled or destroyed: done. The current one: refused. */
  async retire(ref: string, versionId: string): Promise<void> {
    const version = (await this.listVersions(ref)).find((v) => v.versionId === versionId);
    if (!version) throw new ProviderError('not_found');
    if (version.current) throw new ProviderError('conflict', MESSAGES.retireCurrent);
    if (version.state === 'enabled') await this.#setState(ref, versionId, 'disable');
  }

  /** GCP reads the newest version, so the previous value is added again as a new version and
   *  the failed one disabled. GCP takes no request token, so a re-run recognises its own
   *  earlier re-add instead: a version newer than the failed one holding exactly the
   *  previous value. `token` is unused. */
  async rollback(ref: string, previousVersionId: string, failedVersionId: string, _token: string): Promise<{ currentVersionId: string }> {
    const name = gcpSecretName(this.config, ref);
    const versions = await this.listVersions(ref);
    const newest = versions[0];
    if (!newest) throw new ProviderError('not_found');
    const previous = await this.#access(name, previousVersionId, MESSAGES.previousGone);
    try {
      let currentVersionId: string;
      if (newest.versionId === previousVersionId) {
        currentVersionId = previousVersionId;
      } else if (newest.versionId === failedVersionId) {
        try {
          currentVersionId = versionNumberOf((await this.#addVersion(name, previous)).name) ?? '';
        } catch (error) {
          throw gcpProviderError(error, 'rotate');
        }
      } else {
        const newestData = newest.state === 'enabled' ? await this.#access(name, newest.versionId, MESSAGES.rollbackMoved) : null;
        const ours = newestData !== null && newestData.equals(previous);
        newestData?.fill(0);
        if (!ours) throw new ProviderError('conflict', MESSAGES.rollbackMoved);
        currentVersionId = newest.versionId;
      }
      const failed = versions.find((v) => v.versionId === failedVersionId);
      if (failed?.state === 'enabled') await this.#setState(ref, failedVersionId, 'disable');
      return { currentVersionId };
    } finally {
      previous.fill(0);
    }
  }

  async readValue(ref: string, versionId?: string): Promise<SecretValue> {
    const name = gcpSecretName(this.config, ref);
    const data = await this.#access(name, versionId ?? 'latest');
    try {
      return new SecretValue(data.toString('utf8'));
    } finally {
      data.fill(0);
    }
  }

  async startNativeRotation(): Promise<{ versionId: string }> {
    throw new ProviderError('unsupported', MESSAGES.nativeRotation);
  }

  async nativeRotationStatus(): Promise<'in_progress' | 'completed' | 'failed'> {
    throw new ProviderError('unsupported', MESSAGES.nativeRotation);
  }

  /** One version's payload, checked against the server's CRC32C. The caller zeroes it.
   *  A disabled or destroyed version fails with `notEnabled` as the conflict message. */
  async #access(name: string, version: string, notEnabled?: string): Promise<Buffer> {
    if (version !== 'latest' && !VERSION_NUMBER.test(version)) {
      throw new ProviderError('invalid', 'A GCP secret version id is a positive number.');
    }
    let data: Buffer;
    let checksum: unknown;
    try {
      const [response] = await (await gcpClient(this.config)).accessSecretVersion({ name: `${name}/versions/${version}` }, this.#call);
      const raw = response.payload?.data;
      data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw ?? '');
      checksum = response.payload?.dataCrc32c;
    } catch (error) {
      const mapped = gcpProviderError(error, 'read');
      if (notEnabled && mapped.code === 'conflict') throw new ProviderError('conflict', notEnabled, mapped.providerCode);
      throw mapped;
    }
    if (checksum !== null && checksum !== undefined && Number(checksum) !== crc32c(data)) {
      data.fill(0);
      throw new ProviderError('unknown', MESSAGES.corrupted);
    }
    return data;
  }

  async #setState(ref: string, versionId: string, change: 'enable' | 'disable'): Promise<void> {
    const request = { name: `${gcpSecretName(this.config, ref)}/versions/${versionId}` };
    const client = await gcpClient(this.config);
    try {
      if (change === 'enable') await client.enableSecretVersion(request, this.#call);
      else await client.disableSecretVersion(request, this.#call);
    } catch (error) {
      throw gcpProviderError(error, 'rotate');
    }
  }

  async #addVersion(name: string, data: Buffer): Promise<SecretVersion> {
    const [version] = await (
      await gcpClient(this.config)
    ).addSecretVersion(
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
      await (
        await gcpClient(this.config)
      ).createSecret(
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
  return buf
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
