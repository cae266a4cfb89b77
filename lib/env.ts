// The only reader of process.env for the app. Parsed once with zod so a bad or missing
// setting fails at start with a clear message instead of deep inside a request.
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // The runtime role the server and worker log in as: it may append to the audit trail,
  // never change it (docs/operations.md "Database roles").
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start sets it for the embedded database)'),
  // The owner role migrations run as (npm run db:migrate, npm start). Unset: DATABASE_URL,
  // one role for everything, as before roles existed. Here only as the purge's fallback.
  MIGRATION_DATABASE_URL: optionalString,
  // The role npm run audit:purge logs in as: the only one that may call audit_purge().
  // Unset: MIGRATION_DATABASE_URL, then DATABASE_URL.
  PURGE_DATABASE_URL: optionalString,
  NEXTAUTH_URL: optionalString,
  NEXTAUTH_SECRET: z.string().min(32, 'NEXTAUTH_SECRET must be at least 32 characters'),
  SESSION_MAX_AGE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(8 * 60),
  // A session unused for this long ends (server-side, lib/auth/sessions.ts), whatever its max age.
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60),
  // REST API (/api/v1): requests per minute per access token, shared by every instance
  // (table rate_limits). A token may carry a lower or higher limit of its own.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  // OIDC single sign-on: enabled when issuer, client id and client secret are all set.
  OIDC_ISSUER: optionalString,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_DISPLAY_NAME: z.string().default('Single sign-on'),
  OIDC_SCOPES: z.string().default('openid email profile'),
  OIDC_GROUPS_CLAIM: z.string().default('groups'),
  // "group=role;group=role"; the highest role any of the user's groups maps to wins.
  OIDC_ROLE_MAP: z.string().default(''),
  // "group=Team name;group=Team name": team memberships that follow the user's groups at
  // every sign-in (added and removed; memberships an admin added by hand are kept).
  OIDC_TEAM_MAP: z.string().default(''),
  // Role for SSO users whose groups map to none; unset means they are refused.
  OIDC_DEFAULT_ROLE: z.enum(['admin', 'engineer', 'viewer', 'auditor']).optional(),
  // Number of the operator's reverse proxies in front of the app. scripts/server.mjs (which
  // parses it the same way) picks the client IP by it; here it says whether the proxy's
  // X-Forwarded-Host/Proto may be believed. "true" is refused: it once meant "believe the header".
  TRUST_PROXY: z
    .string()
    .default('0')
    .refine((v) => /^\s*(\d{1,2}|false|)\s*$/i.test(v), {
      message: 'TRUST_PROXY is the number of your reverse proxies in front of the app (0, 1, 2...)',
    })
    .transform((v) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : 0)),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Key of the keyed value fingerprints (HMAC-SHA256). Never shown. npm start creates one.
  VALUE_FINGERPRINT_PEPPER: z.string().min(32, 'VALUE_FINGERPRINT_PEPPER must be at least 32 characters').optional(),
  // Earlier peppers, comma-separated, after VALUE_FINGERPRINT_PEPPER was rotated: their
  // fingerprints (each carries its key id) keep matching until re-fingerprinted.
  VALUE_FINGERPRINT_PEPPERS_PREVIOUS: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((pepper) => pepper.trim())
        .filter(Boolean),
    )
    .refine((peppers) => peppers.every((pepper) => pepper.length >= 32), 'Every VALUE_FINGERPRINT_PEPPERS_PREVIOUS entry must be at least 32 characters'),
  // The local development provider: AES-256-GCM key (32 bytes, base64/base64url) and
  // the folder its encrypted store lives in. npm start creates the key under ./.data.
  LOCAL_PROVIDER_KEY: optionalString,
  LOCAL_PROVIDER_DIR: z.string().default('.data/local-provider'),
  // Names this worker process in rotation leases. A restarted worker with the same id takes
  // back its own leases at once instead of waiting for them to expire. Default: unique.
  WORKER_ID: optionalString,
  // Longest one statement of the app's database pool may run before PostgreSQL cancels it
  // (0: no limit), so one slow query cannot hold a connection and a request for minutes.
  // The worker and the maintenance commands (audit:purge, audit:verify) set no limit of
  // their own; exports read through connections or statements that set their own.
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  // Longest the app waits for a database connection (a new one, or a free one from the full
  // pool) before the request fails as "database unreachable". Without it a database host
  // that drops packets holds every request open until the OS gives up, minutes later.
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // How often the worker's crash-recovery sweeps run (lib/jobs/sweeps.ts): a write or a
  // rotation step left behind by a dead process is settled within about this long after
  // it can no longer be in flight.
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  // Tests only. TEST_CLOCK_FILE: a file holding a millisecond offset added to the app clock
  // (lib/clock.ts), so an end-to-end test can move a running server and worker through time.
  // ROTATION_KILL_AT: a process recording that rotation step (worker or person's request)
  // SIGKILLs itself just before or after it (lib/rotation/runs.ts; crash tests).
  TEST_CLOCK_FILE: optionalString,
  ROTATION_KILL_AT: optionalString,
  // Tests only: the process SIGKILLs itself at this named point (lib/crash-point.ts), e.g.
  // "value_write:after_provider" (the provider confirmed, nothing recorded yet). Unset in
  // every real deployment.
  TEST_CRASH_POINT: optionalString,
  // How long a rotation run's lease outlives its holder's last heartbeat (the holder renews
  // it every quarter of this while it works, lib/rotation/runs.ts): a step left by a dead
  // worker or request is taken over about this long after the process died.
  ROTATION_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(20),
  // How often a rotation in its grace period looks again for consumers that moved to the
  // new value (provider access history, database sessions; lib/rotation/adoption).
  ROTATION_ADOPTION_POLL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  // Deadline for one provider call (SDK retries included).
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Server key the per-channel webhook signing keys are derived from (HMAC of this key and
  // the channel id), so no signing key is stored. Unset: derived from NEXTAUTH_SECRET.
  // Changing it changes every channel's key (receivers must be given the new ones).
  NOTIFICATION_SIGNING_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'NOTIFICATION_SIGNING_KEY must be at least 32 characters',
  }),
  // Access history: log API endpoints for every connection (private endpoints, emulators).
  // Unset: CloudTrail's regional endpoint and logging.googleapis.com.
  CLOUDTRAIL_ENDPOINT: optionalString,
  CLOUD_LOGGING_ENDPOINT: optionalString,
  // Egress policy (lib/net/egress.ts): the server refuses to connect to loopback, private,
  // link-local (cloud metadata), CGNAT, multicast and reserved addresses that people type
  // (provider endpoints, webhook URLs, PostgreSQL hosts) unless listed here: comma-separated
  // CIDRs, addresses and host names, e.g. "127.0.0.1,10.20.0.0/16,vault.internal".
  EGRESS_ALLOW: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  // GCP endpoint overrides that may receive the server's Google identity tokens (ADC), besides
  // *.googleapis.com: comma-separated host names (e.g. a Private Service Connect proxy).
  GCP_TRUSTED_ENDPOINTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase().replace(/\.$/, ''))
        .filter(Boolean),
    ),
  // The local development provider stores values in files on this host; it is refused when
  // NODE_ENV=production unless this is true (a demo or an evaluation install).
  ALLOW_LOCAL_PROVIDER: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  // Deadline for one webhook POST (and for each step of one email's SMTP conversation).
  NOTIFICATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // The mail server email channels send through (lib/notifications/email.ts):
  // smtp://user:pass@host:587 (STARTTLS required unless the host is loopback) or
  // smtps://user:pass@host:465 (TLS from the start). Unset: email channels cannot send.
  // Credentials live here only, never in the database or the UI.
  SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\/[^/?#]+\/?$/i.test(v), {
    message: 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465 (no path)',
  }),
  // The From address of notification mail, e.g. "Secret inventory <secrets@example.com>";
  // required with SMTP_URL (checked in load()).
  SMTP_FROM: optionalString,
  // A PEM file of CA certificates the mail server's certificate may chain to (an internal
  // relay with a private CA), besides the system's. Unset: the system's CAs only.
  SMTP_TLS_CA_FILE: optionalString,
  // Audit streaming (lib/audit-stream/): how often the worker looks for new events and
  // sinks, how many events go in one send, the deadline of one send, and the longest
  // wait between retries of a failing sink (the backoff doubles from 1 s up to this).
  AUDIT_STREAM_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  AUDIT_STREAM_BATCH: z.coerce.number().int().min(1).max(5_000).default(500),
  AUDIT_STREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AUDIT_STREAM_MAX_BACKOFF_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  // Ed25519 private key that signs evidence bundles (PEM, or base64 of the PKCS#8 DER).
  // Unset: bundles cannot be made (CSV/JSON Lines exports still work). npm start creates one.
  AUDIT_SIGNING_KEY: optionalString,
  // Prometheus metrics on a port of their own (lib/metrics/port-server.ts), with no sign-in,
  // for in-cluster scraping: unset, metrics are only at /api/metrics (an access token with
  // the metrics:read scope). METRICS_HOST is the address it binds: loopback unless set.
  METRICS_PORT: optionalString.transform((v) => (v === undefined ? undefined : Number(v))).pipe(z.number().int().min(1).max(65_535).optional()),
  METRICS_HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
});

export type TEnv = z.infer<typeof ZEnv>;

function load(): TEnv {
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  if (parsed.data.SMTP_URL && !parsed.data.SMTP_FROM) throw new Error('Invalid configuration:\n  SMTP_FROM: required when SMTP_URL is set');
  return parsed.data;
}

let cached: TEnv | undefined;
/** Parsed settings; read lazily so `next build` does not need a database URL. */
export function env(): TEnv {
  cached ??= load();
  return cached;
}

export function oidcEnabled(): boolean {
  const e = env();
  return Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
}

/** Next's development server? (Set by Next itself; needs no other setting, so the proxy
 *  and the logger can ask before, or without, the full configuration being valid.) */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV === 'development';
}

/** LOG_LEVEL as written, unchecked: the logger must work even when the configuration is
 *  invalid (it reports that very problem). */
export function rawLogLevel(): string | undefined {
  return process.env.LOG_LEVEL;
}

/** PATH as written, unchecked, for child processes given an environment of their own (git in
 *  lib/leak/git-history.ts, which the leak-check CLI runs without the app's configuration). */
export function rawPath(): string | undefined {
  return process.env.PATH;
}

/** Where this server is reached, for the first-run setup link (instrumentation.ts). */
export function publicBaseUrl(): string {
  return (process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
}
