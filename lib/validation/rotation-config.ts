// The settings each rotation strategy keeps in Secret.rotationConfig (JSON). Never a value:
// the PostgreSQL strategy names another inventory secret that holds the admin credential,
// and the provider reads it when the rotation runs. Shared by the policy form, the actions
// and the rotation engine, so it holds no server-only code.
import { z } from 'zod';
import type { RotationStrategy, StragglerPolicy } from '@/generated/prisma/enums';
import { ALPHABET_NAMES, GENERATED_LENGTH } from '@/lib/values/alphabets';
import { parseInput } from './parse';

export const ROTATION_STRATEGIES = ['manual', 'generated', 'postgres_role', 'provider_native', 'mysql_user', 'alternating_users'] as const;
// Fails to compile when the schema's enum and this list drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _strategiesMatch: Same<(typeof ROTATION_STRATEGIES)[number], RotationStrategy> = true;
void _strategiesMatch;

const blank = (v: unknown) => (v === '' || v === null ? undefined : v);

/** generated: what the server draws the new value from. */
export const ZGeneratedConfig = z.object({
  alphabet: z.enum(ALPHABET_NAMES, 'Choose one of the offered alphabets').default('alphanumeric'),
  length: z.coerce
    .number({ message: 'Enter a whole number of characters' })
    .int('Enter a whole number of characters')
    .min(GENERATED_LENGTH.min, `Use at least ${GENERATED_LENGTH.min} characters`)
    .max(GENERATED_LENGTH.max, `Use at most ${GENERATED_LENGTH.max} characters`)
    .default(GENERATED_LENGTH.default),
});
export type TGeneratedConfig = z.output<typeof ZGeneratedConfig>;

/** TLS to the database: verify-full (certificate and host name checked) unless the host's
 *  allowlist entry lets a secret ask for less (e.g. a local server without TLS). */
export const POSTGRES_TLS_MODES = ['verify-full', 'require', 'disable'] as const;
export type TPostgresTls = (typeof POSTGRES_TLS_MODES)[number];

/** postgres_role: which role's password this secret is, and which inventory secret holds
 *  the admin credential (JSON or postgres:// URL, see lib/rotation/postgres-role.ts); it
 *  must be a secret an admin marked as a database admin credential, of the same connection. */
export const ZPostgresRoleConfig = z.object({
  adminSecretId: z.uuid('Choose the secret that holds the admin credential'),
  role: z
    .string({ message: 'Enter the role name' })
    .min(1, 'Enter the role name')
    // PostgreSQL truncates identifiers to NAMEDATALEN-1 = 63 bytes: a longer name would
    // silently change another role. Spaces and case are kept: the name is used quoted.
    .refine((v) => Buffer.byteLength(v, 'utf8') <= 63, 'A PostgreSQL role name has at most 63 bytes')
    .refine((v) => !v.includes('\0'), 'A role name cannot contain a NUL character'),
  sslmode: z.preprocess(blank, z.enum(POSTGRES_TLS_MODES, 'Choose verify-full, require or disable').default('verify-full')),
});
export type TPostgresRoleConfig = z.output<typeof ZPostgresRoleConfig>;

const adminSecretId = z.uuid('Choose the secret that holds the admin credential');
const tls = z.preprocess(blank, z.enum(POSTGRES_TLS_MODES, 'Choose verify-full, require or disable').default('verify-full'));

/** A MySQL/MariaDB user name: at most 80 characters (MariaDB; MySQL allows 32), no NUL. */
const mysqlUser = (what: string) =>
  z
    .string({ message: `Enter ${what}` })
    .min(1, `Enter ${what}`)
    .max(80, 'A MySQL or MariaDB user name has at most 80 characters')
    .refine((v) => !v.includes('\0'), 'A user name cannot contain a NUL character');

/** The host part of a MySQL account ('orders_app'@'%'): which client hosts it is for. */
const accountHost = z.preprocess(
  blank,
  z
    .string()
    .max(255, 'An account host has at most 255 characters')
    .regex(/^[^\0'"\\]+$/, 'Enter a host pattern such as % or 10.0.%')
    .default('%'),
);

/** mysql_user: the single-user strategy on MySQL/MariaDB (ALTER USER ... IDENTIFIED BY). */
export const ZMysqlUserConfig = z.object({
  adminSecretId,
  user: mysqlUser('the user name'),
  accountHost,
  sslmode: tls,
});
export type TMysqlUserConfig = z.output<typeof ZMysqlUserConfig>;

export const DATABASE_ENGINES = ['postgres', 'mysql'] as const;
export type DatabaseEngineName = (typeof DATABASE_ENGINES)[number];

/** How the replaced user is retired when the grace period ends: its password becomes a
 *  random one nobody holds, or it may no longer log in (NOLOGIN / ACCOUNT LOCK; the next
 *  rotation that makes it active again lets it log in). */
export const RETIRE_MODES = ['random_password', 'disable_login'] as const;
export type RetireMode = (typeof RETIRE_MODES)[number];

/** alternating_users: the secret's value is a JSON credential naming one of two users with
 *  the same grants; each rotation gives the idle one a new password and names it. */
export const ZAlternatingUsersConfig = z
  .object({
    engine: z.enum(DATABASE_ENGINES, 'Choose PostgreSQL or MySQL/MariaDB'),
    adminSecretId,
    userA: z.string({ message: 'Enter the first user' }).min(1, 'Enter the first user'),
    userB: z.string({ message: 'Enter the second user' }).min(1, 'Enter the second user'),
    accountHost,
    sslmode: tls,
    retireMode: z.preprocess(blank, z.enum(RETIRE_MODES, 'Choose how the old user is retired').default('random_password')),
  })
  .superRefine((config, ctx) => {
    for (const key of ['userA', 'userB'] as const) {
      const name = config[key];
      const problem = name.includes('\0')
        ? 'A user name cannot contain a NUL character'
        : config.engine === 'postgres' && Buffer.byteLength(name, 'utf8') > 63
          ? 'A PostgreSQL role name has at most 63 bytes'
          : config.engine === 'mysql' && name.length > 80
            ? 'A MySQL or MariaDB user name has at most 80 characters'
            : null;
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
    if (config.userA === config.userB) ctx.addIssue({ code: 'custom', path: ['userB'], message: 'The two users must differ' });
  });
export type TAlternatingUsersConfig = z.output<typeof ZAlternatingUsersConfig>;

/** provider_native: the rotation Lambda, when the secret has none configured in AWS yet. */
export const ZProviderNativeConfig = z.object({
  lambdaArn: z.preprocess(
    blank,
    z
      .string()
      .max(2048, 'An ARN has at most 2048 characters')
      .regex(
        /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/,
        'Enter a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)',
      )
      .optional(),
  ),
});
export type TProviderNativeConfig = z.output<typeof ZProviderNativeConfig>;

export type RotationConfig =
  | { strategy: 'manual'; config: null }
  | { strategy: 'generated'; config: TGeneratedConfig }
  | { strategy: 'postgres_role'; config: TPostgresRoleConfig }
  | { strategy: 'provider_native'; config: TProviderNativeConfig }
  | { strategy: 'mysql_user'; config: TMysqlUserConfig }
  | { strategy: 'alternating_users'; config: TAlternatingUsersConfig };

/** The strategies that log in to a database with an admin credential (another inventory
 *  secret an administrator marked as one, of the same connection). */
export const DATABASE_STRATEGIES = ['postgres_role', 'mysql_user', 'alternating_users'] as const satisfies readonly RotationStrategy[];

/** The admin credential secret a database strategy names, else null. */
export function adminSecretIdOf(rotation: RotationConfig): string | null {
  switch (rotation.strategy) {
    case 'postgres_role':
    case 'mysql_user':
    case 'alternating_users':
      return rotation.config.adminSecretId;
    default:
      return null;
  }
}

/** Which database engine a database strategy talks to, else null. */
export function databaseEngineOf(rotation: RotationConfig): DatabaseEngineName | null {
  switch (rotation.strategy) {
    case 'postgres_role':
      return 'postgres';
    case 'mysql_user':
      return 'mysql';
    case 'alternating_users':
      return rotation.config.engine;
    default:
      return null;
  }
}

export const STRAGGLER_POLICIES = ['retire', 'extend_once', 'hold'] as const satisfies readonly StragglerPolicy[];

/** The stored (or submitted) JSON for `strategy`, checked; InputError with per-field
 *  messages when it does not fit. Manual rotations keep no settings. */
export function parseRotationConfig(strategy: RotationStrategy, json: unknown): RotationConfig {
  const input = json ?? {};
  switch (strategy) {
    case 'manual':
      return { strategy, config: null };
    case 'generated':
      return { strategy, config: parseInput(ZGeneratedConfig, input) };
    case 'postgres_role':
      return { strategy, config: parseInput(ZPostgresRoleConfig, input) };
    case 'provider_native':
      return { strategy, config: parseInput(ZProviderNativeConfig, input) };
    case 'mysql_user':
      return { strategy, config: parseInput(ZMysqlUserConfig, input) };
    case 'alternating_users':
      return { strategy, config: parseInput(ZAlternatingUsersConfig, input) };
  }
}
