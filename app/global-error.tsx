'use client';
// The last resort: the root layout itself failed. It replaces that layout, so it brings
// its own document and styles.
import './globals.css';
import { AuthFrame } from '@/components/ui/auth-frame';
import { ErrorNotice, type ErrorBoundaryProps } from '@/components/errors/error-notice';

export default function GlobalError(props: ErrorBoundaryProps) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Secret inventory</title>
        <AuthFrame>
          <ErrorNotice {...props} />
        </AuthFrame>
      </body>
    </html>
  );
}
