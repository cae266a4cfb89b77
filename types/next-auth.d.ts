import 'next-auth';
import 'next-auth/jwt';

declare module 'next-auth' {
  interface Session {
    user: { id: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    /** user_sessions.id: the server-side session this token stands for. */
    sid?: string;
  }
}
