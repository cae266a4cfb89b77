// How the dashboard's own provider calls are told apart from consumers' in the provider's
// access history: every Secrets Manager / Secret Manager client it builds sends this user
// agent (AWS `customUserAgent`, GCP `grpc.primary_user_agent`), and an assumed role's
// session is named after it. Adoption evidence (lib/rotation/adoption/provider-evidence.ts)
// leaves such reads out: the dashboard reads the previous value during some rotations and
// when people look, which says nothing about consumers.

/** The user agent token, and the role session name, of the dashboard's own calls. */
export const DASHBOARD_CALLER = 'secret-inventory-dashboard';
