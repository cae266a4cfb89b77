// What a provider reference may look like for each connection kind, and the reference
// a secret gets when it names a connection but no reference. Plain functions (no zod)
// so the secret form's server-side check and tests share them.
import type { TConnectionKind } from './provider-connection';

const AWS_NAME_RE = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_ARN_RE = /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
const GCP_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;
const GCP_NAME_RE = /^projects\/[a-z0-9][a-z0-9-]{0,62}\/(locations\/[a-z0-9-]{1,63}\/)?secrets\/[A-Za-z0-9_-]{1,255}$/;
const LOCAL_RE = /^[A-Za-z0-9/_.-]{1,255}$/;

const RULES: Record<TConnectionKind, { valid: (ref: string) => boolean; message: string }> = {
  aws: {
    valid: (ref) => AWS_NAME_RE.test(ref) || AWS_ARN_RE.test(ref),
    message:
      'For AWS use a secret name (letters, digits and / _ + = . @ -, at most 512 characters) or a Secrets Manager ARN such as arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db',
  },
  gcp: {
    valid: (ref) => GCP_ID_RE.test(ref) || GCP_NAME_RE.test(ref),
    message: 'For GCP use a secret id (letters, digits, _ and -, at most 255 characters) or a resource name such as projects/acme-prod/secrets/db-password',
  },
  local: {
    valid: (ref) => LOCAL_RE.test(ref),
    message: 'For the local provider use letters, digits and / _ . - (at most 255 characters)',
  },
};

/** Why `ref` cannot be a reference for `kind`, or null when it can. */
export function providerRefProblem(kind: TConnectionKind, ref: string): string | null {
  return RULES[kind].valid(ref) ? null : RULES[kind].message;
}

/** The parts of a connection that bound what its secrets may reference. */
export type RefScope = {
  kind: TConnectionKind;
  region?: string | null;
  roleArn?: string | null;
  projectId?: string | null;
  location?: string | null;
};

const AWS_ARN_PARTS = /^arn:aws(?:-cn|-us-gov)?:secretsmanager:([a-z0-9-]+):(\d{12}):secret:/;
const ROLE_ACCOUNT = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):/;
const GCP_NAME_PARTS = /^projects\/([^/]+)\/(?:locations\/([^/]+)\/)?secrets\//;

/**
 * Why `ref` points outside its connection, or null when it stays inside. A full AWS ARN
 * must name the connection's region and, when the connection assumes a role, that role's
 * account (without a role ARN the account is unknown here, so only the region is checked);
 * a full GCP resource name must name the connection's project and location. Plain names
 * and ids resolve inside the connection by construction.
 */
export function refOutsideConnection(scope: RefScope, ref: string): string | null {
  if (scope.kind === 'aws') {
    const arn = AWS_ARN_PARTS.exec(ref);
    if (!arn) return null;
    if (arn[1] !== scope.region)
      return `This ARN is in region ${arn[1]}, but the connection works in ${scope.region ?? 'no region'}. Use a secret of the connection's region.`;
    const account = scope.roleArn ? ROLE_ACCOUNT.exec(scope.roleArn)?.[1] : undefined;
    if (account && arn[2] !== account) return `This ARN is in AWS account ${arn[2]}, but the connection's role is in account ${account}.`;
    return null;
  }
  if (scope.kind === 'gcp') {
    const name = GCP_NAME_PARTS.exec(ref);
    if (!name) return null;
    if (name[1] !== scope.projectId) return `This secret is in project ${name[1]}, but the connection works in project ${scope.projectId ?? '(none)'}.`;
    if ((name[2] ?? null) !== (scope.location ?? null)) {
      return `This secret is in ${name[2] ? `location ${name[2]}` : 'the global location'}, but the connection works in ${scope.location ? `location ${scope.location}` : 'the global location'}.`;
    }
    return null;
  }
  return null;
}

const INVALID_CHARS: Record<TConnectionKind, RegExp> = {
  aws: /[^A-Za-z0-9/_+=.@-]/g,
  gcp: /[^A-Za-z0-9_-]/g,
  local: /[^A-Za-z0-9/_.-]/g,
};
const MAX_LENGTH: Record<TConnectionKind, number> = { aws: 512, gcp: 255, local: 255 };

/**
 * The reference a secret gets when it has a connection but no reference given:
 * `<environment>/<name>` (AWS, local) or `<environment>-<name>` (GCP ids have no '/'),
 * with characters the provider refuses replaced by '-', so the result always passes
 * providerRefProblem.
 */
export function defaultProviderRef(kind: TConnectionKind, environment: string, name: string): string {
  const joined = kind === 'gcp' ? `${environment}-${name}` : `${environment}/${name}`;
  return joined.replace(INVALID_CHARS[kind], '-').slice(0, MAX_LENGTH[kind]);
}
