// The local development provider: what the embedded default writes values to when no
// cloud is connected. DEVELOPMENT ONLY (the UI and docs/features.md say so): an encrypted file
// store (local-store.ts) under LOCAL_PROVIDER_DIR, keyed by LOCAL_PROVIDER_KEY (npm
// start keeps it in .data/local-provider-key, mode 0600). It behaves like GCP's version
// states (enabled/disabled, the newest is current) and honours idempotency tokens like
// AWS, so the app's flows run unchanged against it. Not for production: no
// replication, no access control beyond file permissions, one process's lock.
import 'server-only';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@/lib/env';
import { SecretValue } from '@/lib/secret-value';
import { ProviderError } from './errors';
import { LocalStore } from './local-store';
import type { ConnectionTestResult, ProviderVersion, SecretProvider, WriteValueInput, WrittenVersion } from './types';

export class LocalProvider implements SecretProvider {
  readonly kind = 'local' as const;
  readonly nativeIdempotency = true;
  // Like GCP: the newest version is the current one, so there is no "pending".
  readonly supportsStaging = false;

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      const store = storeOf();
      await mkdir(store.dir, { recursive: true, mode: 0o700 });
      return { ok: true, detail: `Local development store at ${store.dir} (development only)` };
    } catch (error) {
      const e = error instanceof ProviderError ? error : new ProviderError('unavailable', 'The local store folder cannot be created.');
      return { ok: false, code: e.code, message: e.message };
    }
  }

  async writeValue(input: WriteValueInput): Promise<WrittenVersion> {
    const { version, createdSecret } = await storeOf().write(input.ref, input.value.reveal(), input.idempotencyToken, input.labels);
    return { versionId: version.id, createdAt: new Date(version.createdAt), createdSecret };
  }

  async listVersions(ref: string): Promise<ProviderVersion[]> {
    const secret = await storeOf().load(ref);
    if (!secret) return [];
    const newest = secret.versions.at(-1);
    return secret.versions
      .map((v) => ({ versionId: v.id, createdAt: new Date(v.createdAt), labels: [], state: v.state, current: v === newest && v.state === 'enabled' }))
      .reverse();
  }

  async versionWrittenWith(ref: string, token: string): Promise<ProviderVersion | null> {
    const id = (await storeOf().load(ref))?.versions.find((v) => v.token === token)?.id;
    return id ? ((await this.listVersions(ref)).find((v) => v.versionId === id) ?? null) : null;
  }

  setVersionEnabled(ref: string, versionId: string, enabled: boolean): Promise<void> {
    return storeOf().setState(ref, versionId, enabled ? 'enabled' : 'disabled');
  }

  async moveLabel(): Promise<void> {
    throw new ProviderError('unsupported', 'The local provider uses version states (enable/disable), not labels.');
  }

  async setLabels(): Promise<void> {
    throw new ProviderError('unsupported', 'The local provider keeps no labels to correct.');
  }

  async currentVersionId(ref: string): Promise<string | null> {
    return (await this.listVersions(ref)).find((v) => v.current)?.versionId ?? null;
  }

  /** The newest version is current by construction; promoting anything else is a conflict. */
  async promote(ref: string, versionId: string): Promise<void> {
    const newest = (await storeOf().load(ref))?.versions.at(-1);
    if (!newest || newest.id !== versionId) throw new ProviderError('conflict', 'A newer version was written meanwhile.');
    if (newest.state !== 'enabled') await storeOf().setState(ref, versionId, 'enabled');
  }

  /** Like AWS and GCP: the current version is never retired (roll back or write anew). */
  async retire(ref: string, versionId: string): Promise<void> {
    if ((await this.currentVersionId(ref)) === versionId) throw new ProviderError('conflict', 'The current version cannot be retired.');
    await storeOf().setState(ref, versionId, 'disabled');
  }

  async rollback(ref: string, previousVersionId: string, failedVersionId: string, token: string): Promise<{ currentVersionId: string }> {
    const store = storeOf();
    const previous = await store.open(ref, previousVersionId);
    const { version } = await store.write(ref, previous, token, {});
    await store.setState(ref, failedVersionId, 'disabled');
    return { currentVersionId: version.id };
  }

  async readValue(ref: string, versionId?: string): Promise<SecretValue> {
    const id = versionId ?? (await this.currentVersionId(ref));
    if (!id) throw new ProviderError('not_found');
    return new SecretValue(await storeOf().open(ref, id));
  }

  async startNativeRotation(): Promise<{ versionId: string }> {
    throw new ProviderError('unsupported', 'Provider-native rotation needs AWS Secrets Manager with a rotation Lambda.');
  }

  async nativeRotationStatus(): Promise<'in_progress' | 'completed' | 'failed'> {
    throw new ProviderError('unsupported', 'Provider-native rotation needs AWS Secrets Manager with a rotation Lambda.');
  }
}

export const LOCAL_PROVIDER_REFUSED =
  'The local development provider is off in production (NODE_ENV=production): use AWS or GCP. An operator can allow it for a demo with ALLOW_LOCAL_PROVIDER=true.';

/** Is the local provider allowed here? Not in production unless the operator says so. */
export function localProviderAllowed(): boolean {
  const { NODE_ENV, ALLOW_LOCAL_PROVIDER } = env();
  return NODE_ENV !== 'production' || ALLOW_LOCAL_PROVIDER;
}

/** The store, for every operation: refused in production unless allowed (see above). */
function storeOf(): LocalStore {
  if (!localProviderAllowed()) throw new ProviderError('refused', LOCAL_PROVIDER_REFUSED);
  const { LOCAL_PROVIDER_KEY, LOCAL_PROVIDER_DIR } = env();
  return new LocalStore(path.resolve(LOCAL_PROVIDER_DIR), LOCAL_PROVIDER_KEY ? Buffer.from(LOCAL_PROVIDER_KEY, 'base64url') : Buffer.alloc(0));
}
