// next-auth's endpoints. Its POSTs (sign-in, the credentials callback, sign-out) carry its
// own CSRF token; they are also refused from another site's page like every other route
// handler's (lib/auth/cross-site.ts). Its GETs stay open to other sites: the identity
// provider's redirect back (the OIDC callback) is a cross-site navigation by design.
import NextAuth from 'next-auth';
import { refuseCrossSite } from '@/lib/auth/cross-site';
import { authOptions } from '@/lib/auth/options';

type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Built per request so configuration is read at run time, not during `next build`.
const GET: Handler = (req, ctx) => NextAuth(authOptions())(req, ctx);

const POST: Handler = async (req, ctx) => (await refuseCrossSite(req)) ?? NextAuth(authOptions())(req, ctx);

export { GET, POST };
