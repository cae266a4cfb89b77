// The local development provider: what the embedded default writes values to when no
// cloud is connected. DEVELOPMENT ONLY (the UI and README say so): one encrypted JSON
// file per secret under LOCAL_PROVIDER_DIR, values sealed with AES-256-GCM under
// LOCAL_PROVIDER_KEY (npm start keeps it in .data/local-provider-key, mode 0600). It
// behaves like GCP's version states (enabled/disabled, newest is current) and honours
// idempotency tokens like AWS, so the app's flows run unchanged against it.
// Not for production: no replication, no access control beyond file permissions, and
// one process's in-memory lock guards the files.
import 'server-only';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@/lib/env';
import { ProviderError } from './errors';
import type { ConnectionTestResult, ProviderVersion, SecretProvider, WriteValueInput, WrittenVersion } from './types';

type StoredVersion = {
  id: string;
  token: string;
  createdAt: string;
  state: 'enabled' | 'disabled';
  iv: string;
  tag: string;
  ciphertext: string;
};
type StoredSecret = { ref: string; labels: Record<string, string>; createdAt: string; versions: StoredVersion[] };

const REF_RE = /^[A-Za-z0-9/_.-]{1,255}$/;

export class LocalProvider implements SecretProvider {
  readonly kind = 'local' as const;
  readonly nativeIdempotency = true;

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      keyOf();
      await mkdir(storeDir(), { recursive: true, mode: 0o700 });
      return { ok: true, detail: `Local development store at ${storeDir()} (development only)` };
    } catch (error) {
      const e = error instanceof ProviderError ? error : new ProviderError('unavailable', 'The local store folder cannot be created.');
      return { ok: false, code: e.code, message: e.message };
    }
  }

  writeValue(input: WriteValueInput): Promise<WrittenVersion> {
    return serialized(input.ref, async () => {
      const existing = await load(input.ref);
      const replay = existing?.versions.find((v) => v.token === input.idempotencyToken);
      if (replay) return { versionId: replay.id, createdAt: new Date(replay.createdAt), createdSecret: false };
      const now = new Date().toISOString();
      const secret: StoredSecret = existing ?? { ref: input.ref, labels: input.labels, createdAt: now, versions: [] };
      const id = String(secret.versions.length + 1);
      secret.versions.push({ id, token: input.idempotencyToken, createdAt: now, state: 'enabled', ...seal(input.value.reveal(), input.ref, id) });
      await save(secret);
      return { versionId: id, createdAt: new Date(now), createdSecret: !existing };
    });
  }

  async listVersions(ref: string): Promise<ProviderVersion[]> {
    const secret = await load(ref);
    if (!secret) return [];
    const newest = secret.versions.at(-1);
    return secret.versions
      .map((v) => ({
        versionId: v.id,
        createdAt: new Date(v.createdAt),
        labels: [],
        state: v.state,
        current: v === newest && v.state === 'enabled',
      }))
      .reverse();
  }

  setVersionEnabled(ref: string, versionId: string, enabled: boolean): Promise<void> {
    return serialized(ref, async () => {
      const secret = await load(ref);
      const version = secret?.versions.find((v) => v.id === versionId);
      if (!secret || !version) throw new ProviderError('not_found');
      version.state = enabled ? 'enabled' : 'disabled';
      await save(secret);
    });
  }

  async moveLabel(): Promise<void> {
    throw new ProviderError('unsupported', 'The local provider uses version states (enable/disable), not labels.');
  }
}

function storeDir(): string {
  return path.resolve(env().LOCAL_PROVIDER_DIR);
}

function keyOf(): Buffer {
  const raw = env().LOCAL_PROVIDER_KEY;
  const key = raw ? Buffer.from(raw, 'base64url') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new ProviderError(
      'unavailable',
      'The local provider needs LOCAL_PROVIDER_KEY: 32 random bytes, base64 (npm start creates one under .data).',
    );
  }
  return key;
}

/** AES-256-GCM with the reference and version id as associated data, so a sealed value
 *  cannot be moved to another secret or version in the file unnoticed. */
function seal(plaintext: string, ref: string, versionId: string): Pick<StoredVersion, 'iv' | 'tag' | 'ciphertext'> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
  cipher.setAAD(Buffer.from(`${ref}\n${versionId}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

function fileOf(ref: string): string {
  if (!REF_RE.test(ref)) throw new ProviderError('invalid', 'Local references use letters, digits and / _ . - only.');
  return path.join(storeDir(), `${createHash('sha256').update(ref).digest('hex')}.json`);
}

async function load(ref: string): Promise<StoredSecret | null> {
  try {
    return JSON.parse(await readFile(fileOf(ref), 'utf8')) as StoredSecret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (error instanceof ProviderError) throw error;
    throw new ProviderError('unavailable', 'The local store could not be read.');
  }
}

async function save(secret: StoredSecret): Promise<void> {
  const file = fileOf(secret.ref);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(secret), { mode: 0o600 });
  await rename(temporary, file); // atomic: readers see the old file or the new one
}

const queues = new Map<string, Promise<unknown>>();
/** One read-modify-write at a time per secret within this process. */
function serialized<T>(ref: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(ref) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(ref, settled);
  void settled.then(() => queues.get(ref) === settled && queues.delete(ref));
  return next;
}
