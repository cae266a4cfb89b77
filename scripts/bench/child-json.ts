// Runs one bench script in a child process of its own (its memory and CPU apart from the
// bench's), with the app's module conditions, and answers the JSON object of the last line
// it prints. The child's stderr passes through.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export function benchScriptInChild<T>(script: string, args: string[], env: Record<string, string>, nodeFlags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--conditions=react-server', '--import', 'tsx', path.join(root, script), ...args], {
      env: { ...process.env, NEXTAUTH_SECRET: 'bench-only-nextauth-secret-0123456789abcdef', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T);
    });
  });
}
