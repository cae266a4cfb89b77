'use client';
// A sign-in, setup or invite page failed: the message takes the form's place in the card.
import { ErrorNotice, type ErrorBoundaryProps } from '@/components/errors/error-notice';

export default function AuthError(props: ErrorBoundaryProps) {
  return <ErrorNotice {...props} />;
}
