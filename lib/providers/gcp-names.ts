// GCP Secret Manager's naming rules: turning a provider reference into a resource name,
// reading ids back out of names, and fitting our labels into GCP's label alphabet.
// Responses name the project by number even when the request used its id, so names are
// never compared literally: only the secret id and version number are read from them.
import 'server-only';
import { ProviderError } from './errors';

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const SECRET_RESOURCE = /^projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/([A-Za-z0-9_-]{1,255})$/;
const LABEL_FIRST = /[\p{Ll}\p{Lo}]/u;
const LABEL_CHAR = /[\p{Ll}\p{Lo}\p{N}_-]/u;
const MAX_LABEL_CHARS = 63;
const MAX_LABELS = 64;

export interface GcpScope {
  projectId: string;
  location?: string | null;
}

/** `projects/<p>` or `projects/<p>/locations/<l>`: where secrets of this connection live. */
export function gcpParent(scope: GcpScope): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(scope.projectId)) {
    throw new ProviderError('invalid', 'The connection has no valid GCP project id. Set it in Settings → Providers.');
  }
  if (scope.location && !/^[a-z0-9-]+$/.test(scope.location)) {
    throw new ProviderError('invalid', 'The connection location is not a GCP location name (e.g. europe-west1).');
  }
  return scope.location ? `projects/${scope.projectId}/locations/${scope.location}` : `projects/${scope.projectId}`;
}

/** The secret's resource name for a reference that is a secret id or a full resource name. */
export function gcpSecretName(scope: GcpScope, ref: string): string {
  const trimmed = ref.trim();
  if (SECRET_RESOURCE.test(trimmed)) return trimmed;
  if (SECRET_ID.test(trimmed)) return `${gcpParent(scope)}/secrets/${trimmed}`;
  throw new ProviderError('invalid', 'The provider reference is not a GCP secret id (letters, digits, _ and -) or a resource name projects/…/secrets/<id>.');
}

/** `projects/…/secrets/<id>[/versions/<v>]` → its parent and id, for CreateSecret. */
export function splitSecretName(name: string): { parent: string; secretId: string } {
  const at = name.lastIndexOf('/secrets/');
  return { parent: name.slice(0, at), secretId: name.slice(at + '/secrets/'.length).split('/')[0] };
}

export function secretIdOf(name: string | null | undefined): string | undefined {
  const m = /\/secrets\/([^/]+)/.exec(name ?? '');
  return m?.[1];
}

export function versionNumberOf(name: string | null | undefined): string | undefined {
  const m = /\/versions\/([^/]+)$/.exec(name ?? '');
  return m?.[1];
}

function fitLabel(text: string, { key }: { key: boolean }): string {
  let out = '';
  for (const ch of text.toLowerCase()) out += LABEL_CHAR.test(ch) ? ch : '_';
  if (key && out && !LABEL_FIRST.test([...out][0])) out = `k_${out}`;
  return [...out].slice(0, MAX_LABEL_CHARS).join('');
}

/** Our labels, made to pass GCP's key and value rules (lower case, letters, digits, _ and -,
 *  keys starting with a letter, at most 63 characters, at most 64 labels). Keys that clash
 *  after fitting keep the first value. */
export function gcpLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, rawValue] of Object.entries(labels)) {
    if (Object.keys(out).length >= MAX_LABELS) break;
    const key = fitLabel(rawKey, { key: true });
    if (!key || key in out) continue;
    out[key] = fitLabel(rawValue, { key: false });
  }
  return out;
}
