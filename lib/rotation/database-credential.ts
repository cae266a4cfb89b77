// Reading an admin credential out of a secret's value, for every database engine: JSON
// (ours or the RDS shape: username, dbname) or a URL of the engine's schemes. Each engine
// says its default port, whether a database must be named, its URL schemes and its error
// class. Errors name what is wrong, never the text: it holds a password.
import { z } from 'zod';
import { SecretValue } from '@/lib/secret-value';
import type { AdminCredential } from './postgres-role';

export interface CredentialFormat {
  /** The URL schemes accepted, e.g. /^postgres(ql)?:\/\//i. */
  urlScheme: RegExp;
  defaultPort: number;
  /** PostgreSQL needs one (libpq's default is the user's name); MySQL may have none (''). */
  databaseRequired: boolean;
  /** The sentence that says which shapes are accepted. */
  shapeMessage: string;
  /** The engine's own error for a malformed credential. */
  invalid: (message: string) => Error;
}

export function parseDatabaseCredential(value: SecretValue, format: CredentialFormat): AdminCredential {
  const fail = (detail?: string) => format.invalid(detail ? `${format.shapeMessage} ${detail}` : format.shapeMessage);
  const text = value.reveal().trim();
  let fields: Record<string, unknown>;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      fields = parsed as Record<string, unknown>;
    } catch {
      // JSON.parse's message quotes the input.
      throw fail('It is not valid JSON.');
    }
    fields = { ...fields, user: fields.user ?? fields.username, database: fields.database ?? fields.dbname ?? undefined };
  } else if (format.urlScheme.test(text)) {
    fields = fieldsOfUrl(text, format, fail);
  } else {
    throw fail();
  }
  const result = credentialSchema(format).safeParse(fields);
  if (!result.success) {
    const bad = [...new Set(result.error.issues.map((i) => String(i.path[0])))].sort().join(', ');
    throw fail(`Missing or invalid: ${bad}.`);
  }
  const { password, sslmode, ...rest } = result.data;
  return { ...rest, password: new SecretValue(password), ...(sslmode ? { sslmode } : {}) };
}

function credentialSchema(format: CredentialFormat) {
  return z.object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535).default(format.defaultPort),
    database: format.databaseRequired ? z.string().min(1) : z.string().default(''),
    user: z.string().min(1),
    password: z.string(),
    sslmode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional(),
  });
}

function fieldsOfUrl(text: string, format: CredentialFormat, fail: (detail: string) => Error): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // URL's TypeError carries the input.
    throw fail('The URL cannot be parsed.');
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw fail('The URL has a bad %-escape.');
    }
  };
  const user = decode(url.username);
  const database = decode(url.pathname.replace(/^\//, ''));
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port || undefined,
    // libpq's default database is the user's name; MySQL's is none.
    database: format.databaseRequired ? database || user : database,
    user,
    password: decode(url.password),
    sslmode: url.searchParams.get('sslmode') ?? undefined,
  };
}
