import type { Metadata } from 'next';
import './globals.css';

// Every page depends on the signed-in user or the database; none is prerendered at build.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Secret inventory', template: '%s · Secret inventory' },
  description: 'Inventory, rotation and audit of the secrets your company runs on.',
  referrer: 'no-referrer',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
