// The local development provider's storage: one JSON file per secret under a folder,
// values sealed with AES-256-GCM. Plain Node with relative imports only, so the e2e
// tests can seed a store the running server reads. The adapter is local.ts.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ProviderError } from './errors';

export type StoredVersion = {
  id: string;
  token: string;
  createdAt: string;
  state: 'enabled' | 'disabled';
  iv: string;
  tag: string;
  ciphertext: string;
};
export type StoredSecret = { ref: string; labels: Record<string, string>; createdAt: string; versions: StoredVersion[] };

const REF_RE = /^[A-Za-z0-9/_.-]{1,255}$/;

export class LocalStore {
  constructor(
    readonly dir: string,
    private readonly key: Buffer,
  ) {
    if (key.length !== 32) {
      throw new ProviderError('unavailable', 'The local provider needs LOCAL_PROVIDER_KEY: 32 random bytes, base64 (npm start creates one under .data).');
    }
  }

  /** Adds a version (or returns the one this token already wrote). */
  write(ref: string, plaintext: string, token: string, labels: Record<string, string>) {
    return serialized(this.fileOf(ref), async () => {
      const existing = await this.load(ref);
      const replay = existing?.versions.find((v) => v.token === token);
      if (replay) return { version: replay, createdSecret: false };
      const now = new Date().toISOString();
      const secret: StoredSecret = existing ?? { ref, labels, createdAt: now, versions: [] };
      const id = String(secret.versions.length + 1);
      const version: StoredVersion = { id, token, createdAt: now, state: 'enabled', ...this.seal(plaintext, ref, id) };
      secret.versions.push(version);
      await this.save(secret);
      return { version, createdSecret: !existing };
    });
  }

  setState(ref: string, versionId: string, state: StoredVersion['state']): Promise<void> {
    return serialized(this.fileOf(ref), async () => {
      const secret = await this.load(ref);
      const version = secret?.versions.find((v) => v.id === versionId);
      if (!secret || !version) throw new ProviderError('not_found');
      version.state = state;
      await this.save(secret);
    });
  }

  /** The plaintext of one version: the provider's own read (the app never calls it; tests
   *  use it to prove a value reached the store). */
  async open(ref: string, versionId: string): Promise<string> {
    const version = (await this.load(ref))?.versions.find((v) => v.id === versionId);
    if (!version) throw new ProviderError('not_found');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(version.iv, 'base64'));
    decipher.setAAD(Buffer.from(`${ref}\n${versionId}`));
    decipher.setAuthTag(Buffer.from(version.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(version.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  async load(ref: string): Promise<StoredSecret | null> {
    try {
      return JSON.parse(await readFile(this.fileOf(ref), 'utf8')) as StoredSecret;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (error instanceof ProviderError) throw error;
      throw new ProviderError('unavailable', 'The local store could not be read.');
    }
  }

  /** AES-256-GCM with the reference and version id as associated data, so a sealed value
   *  cannot be moved to another secret or version in the file unnoticed. */
  private seal(plaintext: string, ref: string, versionId: string): Pick<StoredVersion, 'iv' | 'tag' | 'ciphertext'> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${ref}\n${versionId}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  private fileOf(ref: string): string {
    if (!REF_RE.test(ref)) throw new ProviderError('invalid', 'Local references use letters, digits and / _ . - only.');
    return path.join(this.dir, `${createHash('sha256').update(ref).digest('hex')}.json`);
  }

  private async save(secret: StoredSecret): Promise<void> {
    const file = this.fileOf(secret.ref);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(secret), { mode: 0o600 });
    await rename(temporary, file); // atomic: readers see the old file or the new one
  }
}

const queues = new Map<string, Promise<unknown>>();
/** One read-modify-write at a time per file within this process. */
function serialized<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => queues.get(file) === settled && queues.delete(file));
  return next;
}
