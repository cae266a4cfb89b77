// The soak's fixtures, straight into its throwaway database as the owner: a team, three
// signed-in roles (viewer, auditor, engineer in the team), an AWS connection to the
// in-process Secrets Manager emulator, secrets that take value writes and one secret per
// client for edits (each client edits only its own, so edits never conflict).
import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import type { EditSecret } from './load';

export const USERS = {
  viewer: { email: 'soak-viewer@example.test', role: 'viewer' },
  auditor: { email: 'soak-auditor@example.test', role: 'auditor' },
  engineer: { email: 'soak-engineer@example.test', role: 'engineer' },
} as const;
export const PASSWORD = 'soak-password-not-secret';

export type Seeded = {
  valueSecrets: { id: string; providerRef: string }[];
  editSecrets: EditSecret[];
};

export async function seedSoak(ownerUrl: string, awsEndpoint: string, valueSecrets: number, editSecrets: number): Promise<Seeded> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const teamId = randomUUID();
    await client.query(`INSERT INTO teams (id, name, description, updated_at) VALUES ($1, 'soak-team', 'npm run soak', now())`, [teamId]);
    const passwordHash = await hash(PASSWORD);
    for (const user of Object.values(USERS)) {
      const id = randomUUID();
      await client.query(`INSERT INTO users (id, email, name, role, password_hash, updated_at) VALUES ($1, $2, $2, $3, $4, now())`, [
        id,
        user.email,
        user.role,
        passwordHash,
      ]);
      if (user.role === 'engineer') await client.query('INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)', [teamId, id]);
    }
    const connectionId = randomUUID();
    await client.query(
      `INSERT INTO provider_connections (id, name, kind, region, endpoint, updated_at) VALUES ($1, 'soak-aws-emulator', 'aws', 'us-east-1', $2, now())`,
      [connectionId, awsEndpoint],
    );
    // Staging: the two-person rule (when a policy asks for it) is for production only.
    const {
      rows: [env],
    } = await client.query<{ id: string }>(`SELECT id FROM environments WHERE name = 'staging'`);
    const insert = async (name: string) => {
      const id = randomUUID();
      const providerRef = `soak/${name}`;
      await client.query(
        `INSERT INTO secrets (id, name, description, environment_id, owner_team_id, classification, status, provider_kind,
                              provider_ref, connection_id, rotation_interval_days, next_due_at, tags, search_text, created_at, updated_at)
         VALUES ($1, $2, 'npm run soak', $3, $4, 'important', 'active', 'aws', $5, $6, 90, now() + interval '90 days',
                 ARRAY['soak'], lower($2 || ' npm run soak soak ' || $5), now(), now())`,
        [id, name, env.id, teamId, providerRef, connectionId],
      );
      return { id, name, providerRef };
    };
    const values = [];
    for (let i = 0; i < valueSecrets; i++) values.push(await insert(`soak-value-${String(i).padStart(3, '0')}`));
    const edits: EditSecret[] = [];
    for (let i = 0; i < editSecrets; i++) {
      const s = await insert(`soak-edit-${String(i).padStart(3, '0')}`);
      // The edit form's fields (what updateSecretAction takes), as the form sends them.
      edits.push({
        id: s.id,
        form: {
          name: s.name,
          description: 'npm run soak',
          environmentId: env.id,
          ownerTeamId: teamId,
          classification: 'important',
          providerRef: s.providerRef,
          connectionId,
          rotationIntervalDays: '90',
          rotationStrategy: 'manual',
          tags: 'soak',
        },
      });
    }
    await client.query('COMMIT');
    return { valueSecrets: values.map(({ id, providerRef }) => ({ id, providerRef })), editSecrets: edits };
  } finally {
    await client.end();
  }
}
