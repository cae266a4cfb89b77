'use client';
// The "Test connection" button: asks the server to make one cheap call through the
// connection and shows what happened, in words, right under the button.
import { ServerCheck, type Verdict } from '@/components/ui/server-check';

type Tested = { ok: true; passed: boolean; code: string | null; message: string };

export type TestResult = Tested | { ok: false; error: string };

function describe(result: Tested): Verdict {
  if (result.passed) return { tone: 'success', title: 'Connected', message: result.message };
  if (result.code === 'permission_denied') {
    return { tone: 'warning', title: 'Reachable, but permission denied', message: result.message };
  }
  if (result.code === 'unavailable' || result.code === 'timeout') {
    return { tone: 'error', title: 'Not reachable', message: result.message };
  }
  if (result.code === 'unsupported') return { tone: 'warning', title: 'Cannot be tested yet', message: result.message };
  return { tone: 'error', title: 'The test failed', message: result.message };
}

export function TestConnection({ action }: { action: () => Promise<TestResult> }) {
  return <ServerCheck action={action} describe={describe} labels={{ idle: 'Test connection', pending: 'Testing…', waiting: 'Asking the provider…' }} />;
}
