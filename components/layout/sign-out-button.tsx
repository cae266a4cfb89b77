'use client';
import { signOut } from './sign-out';

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => void signOut('/sign-in')}
      className="rounded-md px-2 py-1 text-xs font-medium text-slate-300 ring-1 ring-slate-600 hover:bg-slate-800 hover:text-white"
    >
      Sign out
    </button>
  );
}
