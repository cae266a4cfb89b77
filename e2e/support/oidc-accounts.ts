// The identities the e2e OpenID provider knows, and the app's client registration.
// Shared by the provider (e2e/support/oidc-provider.ts) and the specs that sign in with them.

export const OIDC_CLIENT_ID = 'secret-inventory-e2e';
// A test-only client secret for a provider that exists only during the e2e run.
export const OIDC_CLIENT_SECRET = 'e2e-client-secret-not-used-anywhere-else';
/** Passed to the app as OIDC_ROLE_MAP. */
export const OIDC_ROLE_MAP = 'sec-engineers=engineer;sec-auditors=auditor';

export type OidcAccount = {
  sub: string;
  email: string;
  name: string;
  groups: string[];
  /** The ID token's email_verified claim (true when not given). */
  emailVerified?: boolean;
};

// The provider's dev login screen takes any password; the login is the subject.
export const OIDC_ACCOUNTS = {
  engineer: { sub: 'sso-engineer@example.test', email: 'sso-engineer@example.test', name: 'Sso Engineer', groups: ['everyone', 'sec-engineers'] },
  auditor: { sub: 'sso-auditor@example.test', email: 'sso-auditor@example.test', name: 'Sso Auditor', groups: ['sec-auditors'] },
  nobody: { sub: 'sso-nobody@example.test', email: 'sso-nobody@example.test', name: 'Sso Nobody', groups: ['everyone', 'marketing'] },
  // Claims the email of a local account the spec seeds, which the provider never verified.
  unverified: {
    sub: 'sso-unverified-subject',
    email: 'local-owner@example.test',
    name: 'Sso Unverified',
    groups: ['sec-engineers'],
    emailVerified: false,
  },
} as const satisfies Record<string, OidcAccount>;
