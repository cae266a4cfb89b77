import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { isSetupOpen } from '@/lib/data/setup';
import { SetupForm } from './setup-client';

export const metadata: Metadata = { title: 'First-time setup' };

export default async function SetupPage() {
  if (!(await isSetupOpen())) redirect('/sign-in');
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Create the first administrator</h1>
      <p className="mb-6 text-sm text-slate-600">
        The server printed a one-time setup token on its console when it started. Enter it here with the administrator&apos;s details.
      </p>
      <SetupForm />
    </>
  );
}
