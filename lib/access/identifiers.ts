// Turning the secret identifiers that access logs report into the key we match inventory
// secrets by. CloudTrail's requestParameters.secretId is whatever the caller passed (a
// name, a partial ARN or a full ARN with its 6-character suffix); Cloud Audit logs name
// versions as projects/<number or id>/[locations/<l>/]secrets/<id>/versions/<v>. Nothing
// is ever compared literally: both sides are reduced to a secret name (AWS) or id (GCP).

const AWS_ARN = /^arn:aws(?:-cn|-us-gov)?:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
// AWS appends "-" and six random characters to the name in a full ARN.
const AWS_SUFFIX = /-[A-Za-z0-9]{6}$/;

export type AwsSecretKey = {
  /** Names to try, best first: a full ARN's name without its suffix, then the text as is
   *  (an ARN whose name ends like a suffix may be a partial ARN of such a name). */
  candidates: string[];
  /** The region an ARN names; null for a bare name. */
  region: string | null;
};

export function awsSecretKey(secretId: string): AwsSecretKey {
  const id = secretId.trim();
  const arn = AWS_ARN.exec(id);
  if (!arn) return { candidates: [id], region: null };
  const name = arn[3];
  const stripped = name.replace(AWS_SUFFIX, '');
  return { candidates: stripped !== name ? [stripped, name] : [name], region: arn[1] };
}

/** An inventory reference (name, partial or full ARN) → the name it stands for. The
 *  inventory keeps what people typed; a full ARN there is one copied from the console. */
export function awsRefName(ref: string): string {
  return awsSecretKey(ref).candidates[0];
}

const GCP_NAME = /^projects\/([^/]+)\/(?:locations\/([^/]+)\/)?secrets\/([A-Za-z0-9_-]{1,255})(?:\/versions\/([^/]+))?$/;

export type GcpSecretKey = { project: string; location: string | null; secretId: string; version: string | null };

/** projects/<p>/[locations/<l>/]secrets/<id>[/versions/<v>] → its parts; null otherwise. */
export function gcpSecretKey(resourceName: string): GcpSecretKey | null {
  const m = GCP_NAME.exec(resourceName.trim());
  if (!m) return null;
  return { project: m[1], location: m[2] ?? null, secretId: m[3], version: m[4] ?? null };
}

/** An inventory reference (a secret id or a resource name) → the secret id. */
export function gcpRefId(ref: string): string {
  return gcpSecretKey(ref)?.secretId ?? ref.trim();
}

/**
 * Whether a logged GCP resource belongs to the connection's project and location. Logs
 * name the project by number and the connection knows its id; no API call maps one to
 * the other here, so a number is accepted (the entries were read from this project's
 * own logs) and an id must equal the connection's.
 */
export function gcpInScope(key: GcpSecretKey, scope: { projectId: string; location: string | null }): boolean {
  const projectOk = /^\d+$/.test(key.project) || key.project === scope.projectId;
  return projectOk && key.location === (scope.location || null);
}
