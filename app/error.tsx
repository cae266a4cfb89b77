'use client';
// Errors of the group layouts themselves: the dashboard's layout reads the session from
// the database first, so this is the page most people see while the database is down.
// Framed like the sign-in pages (app/(auth)/layout.tsx).
import { AuthFrame } from '@/components/ui/auth-frame';
import { ErrorNotice, type ErrorBoundaryProps } from '@/components/errors/error-notice';

export default function RootError(props: ErrorBoundaryProps) {
  return (
    <AuthFrame>
      <ErrorNotice {...props} />
    </AuthFrame>
  );
}
