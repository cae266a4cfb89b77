// A real OpenID Connect provider for the e2e run (the `oidc-provider` package, the
// same library many production IdPs are built on). Global setup runs this file as its
// own process: `node --import tsx e2e/support/oidc-provider.ts`; it prints a ready
// line once listening. Its login and consent screens are the package's dev
// interactions: any password is accepted, the login names the account.
import { randomBytes } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';
import { OIDC_ACCOUNTS, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, type OidcAccount } from './oidc-accounts';

export function createOidcProvider(options: { issuer: string; appUrl: string }): Provider {
  const accounts = new Map<string, OidcAccount>(Object.values(OIDC_ACCOUNTS).map((a) => [a.sub, a]));
  const configuration: Configuration = {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [`${options.appUrl}/api/auth/callback/oidc`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // Every client must use PKCE, as the app does (next-auth checks: pkce, state, nonce).
    pkce: { required: () => true },
    // Put the scope's claims (email, groups) in the ID token itself, where next-auth
    // reads them, instead of only at the userinfo endpoint.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'groups'],
    },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        async claims() {
          return { sub: account.sub, email: account.email, email_verified: account.emailVerified ?? true, name: account.name, groups: account.groups };
        },
      };
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
  };
  return new Provider(options.issuer, configuration);
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const issuer = process.env.OIDC_ISSUER;
  const appUrl = process.env.APP_URL;
  const port = Number(process.env.OIDC_PORT);
  if (!issuer || !appUrl || !port) throw new Error('oidc-provider.ts needs OIDC_ISSUER, APP_URL and OIDC_PORT');
  const provider = createOidcProvider({ issuer, appUrl });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));
  const server = provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider ready at ${issuer}`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
