// Does a system's declared principal name the identity an access log reports? Pure, so
// provider evidence (./provider-evidence.ts) and its tests share one rule.
//
// - ARNs compare case-sensitively (IAM names are case-sensitive in ARNs).
// - Emails (GCP principals) compare case-insensitively; an IAM member prefix on the
//   declared side ("serviceAccount:", "user:") is ignored.
// - An AWS role and its sessions are one reader: arn:aws:sts::<acct>:assumed-role/<Role>/<session>
//   matches arn:aws:iam::<acct>:role/<Role>, and arn:aws:iam::<acct>:role/<path>/<Role> too
//   (a role name is unique in its account whatever its path).

const MEMBER_PREFIX = /^(?:serviceAccount|user|group|principal):/i;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
const SESSION_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** partition:account:role for a role ARN (any path) or one of its session ARNs; null otherwise. */
export function awsRoleKey(arn: string): string | null {
  const m = ROLE_ARN.exec(arn) ?? SESSION_ARN.exec(arn);
  return m ? `${m[1]}:${m[2]}:${m[3]}` : null;
}

const isEmail = (s: string) => !s.startsWith('arn:') && s.includes('@');

export function principalMatches(declared: string, observed: string): boolean {
  const want = declared.trim().replace(MEMBER_PREFIX, '');
  const seen = observed.trim();
  if (!want || !seen) return false;
  if (want === seen) return true;
  if (isEmail(want) && isEmail(seen)) return want.toLowerCase() === seen.toLowerCase();
  const a = awsRoleKey(want);
  return a !== null && a === awsRoleKey(seen);
}
