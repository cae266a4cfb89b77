// The slice of `oidc-provider`'s API the e2e provider uses (the package ships no
// types; @types/oidc-provider would add a dependency for these few lines).
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  export type ClientMetadata = {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    response_types?: string[];
    grant_types?: string[];
    token_endpoint_auth_method?: string;
  };
  export type Account = {
    accountId: string;
    claims: (use: string, scope: string) => Promise<Record<string, unknown> & { sub: string }>;
  };
  export type Configuration = {
    clients?: ClientMetadata[];
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean };
    conformIdTokenClaims?: boolean;
    claims?: Record<string, string[]>;
    findAccount?: (ctx: unknown, id: string) => Promise<Account | undefined>;
    features?: { devInteractions?: { enabled: boolean } };
    cookies?: { keys?: string[] };
  };
  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    listen(port: number, host: string, callback?: () => void): Server;
    on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): this;
  }
}
