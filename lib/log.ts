// Structured JSON logs on stdout. Fields whose names suggest credentials are redacted
// before anything is written, as a second line of defence behind "never log values".
import { rawLogLevel } from '@/lib/env';

const REDACT_KEY = /pass|secret|token|value|authorization|cookie|credential|key$/i;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

function redact(input: unknown, depth = 0): unknown {
  if (depth > 4 || input === null || typeof input !== 'object') return input;
  if (input instanceof Error) return { name: input.name, message: input.message, stack: input.stack };
  if (Array.isArray(input)) return input.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, REDACT_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

function threshold(): number {
  const level = rawLogLevel() as Level | undefined;
  return LEVELS[level && level in LEVELS ? level : 'info'];
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...(redact(fields) as object) });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
