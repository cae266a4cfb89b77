// Many new inventory secrets (and their consumers) at once, for CSV import and bulk
// adoption of discovered cloud secrets: one INSERT ... SELECT FROM unnest per batch,
// column by column. Measured here, Prisma's createMany spent about a second of CPU per
// thousand secrets building its statement, which would put a 20,000-row file past any
// sensible transaction timeout. Callers check permissions and record the audit events.
import 'server-only';
import type { Prisma } from '@/generated/prisma/client';
import type { Tx } from '@/lib/db';

export type SecretColumns = Omit<Prisma.SecretCreateManyInput, 'id' | 'createdAt'> & { id: string; createdAt: Date };

const SECRET_BATCH = 5000;
const LINK_BATCH = 20_000;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function insertSecrets(tx: Tx, rows: SecretColumns[]): Promise<void> {
  for (const batch of chunks(rows, SECRET_BATCH)) await insertBatch(tx, batch);
}

async function insertBatch(tx: Tx, rows: SecretColumns[]): Promise<void> {
  const col = <K extends keyof SecretColumns>(k: K) => rows.map((r) => r[k] ?? null);
  const iso = (k: 'lastRotatedAt' | 'nextDueAt' | 'createdAt') => rows.map((r) => (r[k] as Date | null)?.toISOString() ?? null);
  await tx.$executeRaw`
    INSERT INTO secrets (id, name, description, environment_id, owner_team_id, contact_person, classification, status,
                         provider_kind, provider_ref, provider_key, connection_id, rotation_strategy, last_rotated_at,
                         rotation_interval_days, next_due_at, tags, search_text, created_at, updated_at)
    SELECT id, name, description, environment_id, owner_team_id, contact_person, classification, status,
           provider_kind, provider_ref, provider_key, connection_id, rotation_strategy, last_rotated_at,
           rotation_interval_days, next_due_at, ARRAY(SELECT jsonb_array_elements_text(tags)), search_text, created_at, created_at
    FROM unnest(
      ${col('id')}::uuid[], ${col('name')}::text[], ${col('description')}::text[], ${col('environmentId')}::uuid[],
      ${col('ownerTeamId')}::uuid[], ${col('contactPerson')}::text[], ${col('classification')}::"Classification"[],
      ${col('status')}::"SecretStatus"[], ${col('providerKind')}::"ProviderKind"[], ${col('providerRef')}::text[],
      ${col('providerKey')}::text[], ${col('connectionId')}::uuid[], ${col('rotationStrategy')}::"RotationStrategy"[],
      ${iso('lastRotatedAt')}::timestamptz[], ${col('rotationIntervalDays')}::int[], ${iso('nextDueAt')}::timestamptz[],
      ${rows.map((r) => JSON.stringify(r.tags ?? []))}::jsonb[], ${col('searchText')}::text[], ${iso('createdAt')}::timestamptz[]
    ) AS x(id, name, description, environment_id, owner_team_id, contact_person, classification, status, provider_kind,
           provider_ref, provider_key, connection_id, rotation_strategy, last_rotated_at, rotation_interval_days, next_due_at,
           tags, search_text, created_at)`;
}

export async function insertConsumers(tx: Tx, links: { secretId: string; systemId: string }[]): Promise<void> {
  for (const batch of chunks(links, LINK_BATCH)) {
    await tx.$executeRaw`
      INSERT INTO secret_consumers (secret_id, system_id)
      SELECT * FROM unnest(${batch.map((l) => l.secretId)}::uuid[], ${batch.map((l) => l.systemId)}::uuid[])`;
  }
}
