// THE negative-authorization table. Server actions and route handlers are public HTTP
// endpoints: anyone can call any action id from the client bundle with any arguments.
// Every one of them must refuse callers without the permission, change nothing, and
// (for signed-in callers) leave a 'denied' audit event naming the permission.
//
// The build is the source of truth: this spec reads .next's manifests and FAILS when
// an action or route handler has no row here (or a row names one the build lacks), so
// nothing ships untested.
//
// HOW TO ADD A ROW for a new server action: an entry in ACTIONS, keyed by its export
// name ('app/<path>/actions.ts#name' when two modules export the same name):
//
//     createTeamAction: {
//       permission: 'catalog.write',                          // what lib/data authorizes
//       args: () => [{ name: unique('team'), description: '' }], // would SUCCEED for a permitted role
//       snapshot: tables('teams'),                            // every table the action writes
//     },
//     updateSecretAction: {
//       permission: 'secrets.write',
//       args: async (seed) => [(await seed.secret()).id, { ...fields }], // seed real targets
//       snapshot: tables('secrets', 'secret_consumers'),
//     },
//
// The spec then calls the action, exactly as the browser does, once as a permitted role
// (the control: it must succeed and change the snapshot, proving the arguments and the
// snapshot are meaningful), then signed out and as every role lacking the permission
// (ROLES and can() from lib/auth/permissions.ts). Public actions (permission 'public')
// guard themselves: give the `refusal` every caller gets at this point of the run.
// Team-scoped actions (values, rotations, incidents, decommissioning, guarded edits) say
// `teamScoped: true`: the spec then also calls them as an engineer of another team (refused,
// audited with reason not_team_member, nothing changed) and as an engineer of the owning
// team (the control: it succeeds). The seeder puts that member in every team it creates.
// A new route handler gets an entry in ROUTES: { permission } (plus `path` for dynamic
// segments or a query, `method`, `snapshot` for writes); signed out must get 401, a role
// lacking the permission 403, a permitted role 200. A REST API route (app/api/v1, bearer
// tokens only) gets an entry in API_ROUTES instead, one call per method: see there.
import { createHash, randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { generate } from 'otplib';
import type { Role } from '../generated/prisma/enums';
import { can, ROLES, type Permission } from '../lib/auth/permissions';
import { SCOPE_PERMISSIONS } from '../lib/auth/token-scopes';
import { LocalStore } from '../lib/providers/local-store';
import { makeCertificate } from '../test/support/certificates';
import {
  connectSecret,
  environmentId,
  gateSecret,
  insertApproval,
  insertAuditSink,
  insertChannel,
  insertConnection,
  insertDiscovered,
  insertIncident,
  insertLeakScan,
  insertRotationDrift,
  insertRotationRun,
  insertSecret,
  insertSystem,
  insertTeam,
  insertTeamMember,
  insertUser,
  snapshotTables,
  unique,
  type AuditRow,
  type Db,
} from './support/db';
import { expect, test, type SignedIn } from './support/fixtures';
import { buildRouteHandlers, buildServerActions, callServerAction, type ServerAction } from './support/next-build';
import { LOCAL_PROVIDER_DIR, type E2EState } from './support/state';

type Seeder = {
  db: Db;
  e2e: E2EState;
  team: () => ReturnType<typeof insertTeam>;
  system: (ownerTeamId?: string) => ReturnType<typeof insertSystem>;
  secret: (options?: { ownerTeamId?: string; environmentId?: string }) => ReturnType<typeof insertSecret>;
  /** A secret connected to a fresh local-provider connection, ready for value writes. */
  connectedSecret: () => ReturnType<typeof insertSecret>;
  /** The running server's local provider store, to seed versions into. */
  localStore: () => LocalStore;
  environmentId: (name?: 'development' | 'staging' | 'production') => Promise<string>;
  user: (role: Role) => ReturnType<typeof insertUser>;
  connection: (kind?: 'aws' | 'gcp' | 'local') => ReturnType<typeof insertConnection>;
  /** A notification channel posting to a loopback port nothing listens on. */
  channel: () => ReturnType<typeof insertChannel>;
  /** The worker's signed-in session of a role (the one the control call runs as). */
  session: (role: Role) => Promise<SignedIn>;
  /** The signed-in user the spec is about to call the action as, when there is one (own-request rows). */
  caller: { id: string; email: string } | null;
  /** A connected secret under the two-person rule (lib/data/approvals.ts). */
  gatedSecret: () => ReturnType<typeof insertSecret>;
};

type ActionRow = {
  /** The permission the data layer checks; 'public' for actions anyone may call, which guard themselves. */
  permission: Permission | 'public';
  /** Arguments that would succeed for a permitted caller (create what they point at with the seeder). */
  args: (seed: Seeder) => unknown[] | Promise<unknown[]>;
  /** Reads everything the action could write; compared before and after each refused call. */
  snapshot: (db: Db) => Promise<unknown>;
  /** 'public' rows: the refusal every caller gets at this point of the run. */
  refusal?: RegExp;
  /** Engineers may call it only on secrets their team owns (lib/auth/team-scope.ts). */
  teamScoped?: true;
  /**
   * Read-only actions (pickers' searches) change nothing even when permitted, so their
   * control checks the permitted result instead of a changed snapshot.
   */
  reads?: (result: unknown) => void;
  /**
   * For actions whose permitted call would change how later rows run (ending the shared
   * sessions, requiring a second factor): puts things back after each test of the row.
   */
  restore?: (db: Db) => Promise<void>;
};

const tables =
  (...names: string[]) =>
  (db: Db) =>
    snapshotTables(db, names);

/** What readExpiryFromProviderAction's secrets hold at the provider: a certificate (openssl-made, once). */
const CERTIFICATE = makeCertificate('authorization.example.test', 30);

/** The user confirmTotpAction's row enrols (the worker's admin session), for its restore. */
let enrollingUserId: string | undefined;

// ---------------------------------------------------------------------------------
// One row per server action in the build.
const ACTIONS: Record<string, ActionRow> = {
  // Public by design (first-run setup), but closed once an account exists: even the
  // real token printed at start must not create a second administrator.
  completeSetupAction: {
    permission: 'public',
    args: ({ e2e }) => [{ token: e2e.setupToken, name: 'Mallory', email: 'mallory@example.test', password: 'mallory-long-password' }],
    snapshot: tables('users', 'setup_tokens'),
    refusal: /Setup is already complete/,
  },

  // Teams and systems (app/(dashboard)/teams|systems/actions.ts).
  createTeamAction: {
    permission: 'catalog.write',
    args: () => [{ name: unique('e2e-team'), description: 'Made by the authorization table' }],
    snapshot: tables('teams'),
  },
  updateTeamAction: {
    permission: 'catalog.write',
    args: async (seed) => [(await seed.team()).id, { name: unique('renamed-team'), description: 'Renamed' }],
    snapshot: tables('teams'),
  },
  createSystemAction: {
    permission: 'catalog.write',
    args: async (seed) => [{ name: unique('e2e-system'), description: '', ownerTeamId: (await seed.team()).id, status: 'active' }],
    snapshot: tables('systems'),
  },
  updateSystemAction: {
    permission: 'catalog.write',
    args: async (seed) => {
      const team = await seed.team();
      const system = await seed.system(team.id);
      return [system.id, { name: unique('renamed-system'), description: 'Renamed', ownerTeamId: team.id, status: 'active' }];
    },
    snapshot: tables('systems'),
  },
  setSystemStatusAction: {
    permission: 'catalog.write',
    args: async (seed) => [(await seed.system()).id, { status: 'decommissioned' }],
    snapshot: tables('systems'),
  },

  // Inventory (app/(dashboard)/inventory/actions.ts).
  createSecretAction: {
    permission: 'secrets.write',
    args: async (seed) => [
      { name: unique('e2e-secret'), environmentId: await seed.environmentId(), ownerTeamId: (await seed.team()).id, classification: 'important' },
    ],
    snapshot: tables('secrets', 'secret_consumers'),
  },
  updateSecretAction: {
    teamScoped: true,
    permission: 'secrets.write',
    args: async (seed) => {
      const team = await seed.team();
      const secret = await seed.secret({ ownerTeamId: team.id });
      const system = await seed.system(team.id);
      return [
        secret.id,
        {
          name: unique('renamed-secret'),
          environmentId: await seed.environmentId(),
          ownerTeamId: team.id,
          classification: 'critical',
          consumerSystemIds: [system.id],
        },
      ];
    },
    snapshot: tables('secrets', 'secret_consumers'),
  },
  decommissionSecretAction: {
    teamScoped: true,
    permission: 'secrets.write',
    args: async (seed) => [(await seed.secret()).id, { reason: 'Retired by the authorization table' }],
    snapshot: tables('secrets'),
  },
  // The drift report's one-click fixes (app/(dashboard)/discovery/drift/actions.ts): one
  // action for the three kinds; "last rotated from the provider" stands for them here.
  fixDriftAction: {
    teamScoped: true,
    permission: 'secrets.write',
    args: async (seed) => [
      await insertRotationDrift(seed.db, await seed.secret(), { lastRotatedAt: '2026-09-01T00:00:00.000Z', providerAt: '2026-11-20T08:30:00.000Z' }),
    ],
    snapshot: tables('secrets', 'secret_versions'),
  },

  // Reads the expiry of the certificate chain the provider holds (lib/data/secret-expiry.ts).
  readExpiryFromProviderAction: {
    teamScoped: true,
    permission: 'secrets.write',
    args: async (seed) => {
      const secret = await seed.connectedSecret();
      await seed.localStore().write(`production/${secret.name}`, CERTIFICATE.certificatePem, crypto.randomUUID(), {});
      return [secret.id];
    },
    snapshot: tables('secrets'),
  },
  // Marking a database admin credential is an admin's (lib/data/secrets.ts).
  setDbAdminCredentialAction: {
    permission: 'admin.providers',
    args: async (seed) => [(await seed.secret()).id, { dbAdminCredential: true }],
    snapshot: tables('secrets'),
  },

  // The Secrets Management tab (app/(dashboard)/inventory/[secretId]/(tabs)/manage/actions.ts).
  writeSecretValueAction: {
    teamScoped: true,
    permission: 'secrets.value.write',
    args: async (seed) => [
      (await seed.connectedSecret()).id,
      { mode: 'enter', note: '', idempotencyToken: crypto.randomUUID(), value: unique('authorization-table-value') },
    ],
    snapshot: tables('secrets', 'secret_versions', 'pending_value_writes'),
  },
  changeSecretVersionAction: {
    teamScoped: true,
    permission: 'secrets.value.write',
    args: async (seed) => {
      const secret = await seed.connectedSecret();
      // Two versions in the server's local store, so the older one can be disabled.
      for (const value of [unique('first'), unique('second')]) await seed.localStore().write(`production/${secret.name}`, value, crypto.randomUUID(), {});
      return [secret.id, { change: 'disable', versionId: '1' }];
    },
    // The change lives in the provider; what the table can see is the audit trail.
    snapshot: tables('secrets', 'secret_versions'),
    reads: (result) => expect(result).toMatchObject({ versionId: '1' }),
  },

  // The two-person rule (app/(dashboard)/inventory/[secretId]/approval-actions.ts). A decision
  // is on someone else's request; a cancellation on the caller's own.
  requestApprovalAction: {
    teamScoped: true,
    permission: 'secrets.value.write',
    args: async (seed) => [(await seed.gatedSecret()).id, { kind: 'value_write', note: 'Asked by the authorization table' }],
    snapshot: tables('change_approvals'),
  },
  decideApprovalAction: {
    teamScoped: true,
    permission: 'secrets.value.write',
    args: async (seed) => {
      const secret = await seed.gatedSecret();
      return [(await insertApproval(seed.db, secret.id, await seed.user('engineer'))).id, { decision: 'approve', note: '' }];
    },
    snapshot: tables('change_approvals'),
  },
  cancelApprovalAction: {
    permission: 'secrets.value.write',
    args: async (seed) => {
      const secret = await seed.gatedSecret();
      return [(await insertApproval(seed.db, secret.id, seed.caller ?? (await seed.user('engineer')))).id];
    },
    snapshot: tables('change_approvals'),
  },

  // Rotation and incidents (app/(dashboard)/inventory/[secretId]/(tabs)/rotation/actions.ts).
  startRotationAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => [(await seed.connectedSecret()).id, {}],
    snapshot: tables('rotation_runs', 'secrets'),
  },
  submitRotationValueAction: {
    teamScoped: true,
    permission: 'secrets.value.write',
    args: async (seed) => {
      const secret = await seed.connectedSecret();
      const run = await insertRotationRun(seed.db, secret.id, { state: 'awaiting_value' });
      return [run.id, { value: unique('runbook-value') }];
    },
    snapshot: tables('rotation_runs', 'secret_versions'),
  },
  confirmRotationWorksAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => {
      const secret = await seed.connectedSecret();
      await seed.localStore().write(`production/${secret.name}`, unique('entered'), crypto.randomUUID(), {});
      return [(await insertRotationRun(seed.db, secret.id, { state: 'value_written', newVersionId: '1' })).id];
    },
    snapshot: tables('rotation_runs', 'secrets'),
  },
  confirmOldKeyRevokedAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => [(await insertRotationRun(seed.db, (await seed.connectedSecret()).id, { state: 'awaiting_revocation' })).id],
    snapshot: tables('rotation_runs'),
  },
  rollBackRotationAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => {
      const secret = await seed.connectedSecret();
      for (const value of [unique('old'), unique('new')]) await seed.localStore().write(`production/${secret.name}`, value, crypto.randomUUID(), {});
      return [(await insertRotationRun(seed.db, secret.id, { state: 'in_grace', previousVersionId: '1', newVersionId: '2' })).id];
    },
    snapshot: tables('rotation_runs', 'secrets'),
  },
  retireOldValueNowAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => {
      const secret = await seed.connectedSecret();
      for (const value of [unique('old'), unique('new')]) await seed.localStore().write(`production/${secret.name}`, value, crypto.randomUUID(), {});
      return [
        (
          await insertRotationRun(seed.db, secret.id, {
            state: 'in_grace',
            strategy: 'generated',
            previousVersionId: '1',
            newVersionId: '2',
            heldAt: new Date(),
          })
        ).id,
      ];
    },
    snapshot: tables('rotation_runs', 'secrets'),
  },
  cancelRotationAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => [(await insertRotationRun(seed.db, (await seed.connectedSecret()).id, { state: 'requested' })).id],
    snapshot: tables('rotation_runs', 'secrets'),
  },
  markCompromisedAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => [(await seed.connectedSecret()).id, { reason: 'Leaked in the authorization table' }],
    snapshot: tables('secrets', 'incidents', 'rotation_runs'),
  },
  checkIncidentStepAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => [(await insertIncident(seed.db, (await seed.connectedSecret()).id)).id, 'revoke', { note: '' }],
    snapshot: tables('incident_step_checks'),
  },
  closeIncidentAction: {
    teamScoped: true,
    permission: 'secrets.rotate',
    args: async (seed) => [(await insertIncident(seed.db, (await seed.connectedSecret()).id, true)).id],
    snapshot: tables('incidents'),
  },
  searchSystemsAction: {
    permission: 'secrets.read',
    args: async (seed) => [(await seed.system()).name],
    snapshot: tables('systems'),
    reads: (result) => expect((result as { options: unknown[] }).options).toHaveLength(1),
  },

  // CSV import (app/(dashboard)/inventory/import/actions.ts). The preview only reads; the
  // commit writes secrets and, for names the catalog lacks, teams and systems.
  previewImportAction: {
    permission: 'inventory.import',
    args: async (seed) => [importCsv([unique('e2e-import'), 'production', (await seed.team()).name, '', 'important'])],
    snapshot: tables('secrets', 'secret_consumers', 'teams', 'systems'),
    reads: (result) => expect((result as { data: { summary: unknown } }).data.summary).toEqual({ total: 1, valid: 1, invalid: 0 }),
  },
  commitImportAction: {
    permission: 'inventory.import',
    args: () => [importCsv([unique('e2e-import'), 'production', unique('e2e-import-team'), unique('e2e-import-system'), 'critical']), true],
    snapshot: tables('secrets', 'secret_consumers', 'teams', 'systems'),
  },

  // Users (app/(dashboard)/settings/users/actions.ts). Targets are fresh non-admin
  // accounts, so the last-administrator guard never explains a refusal.
  createUserAction: {
    permission: 'admin.users',
    args: () => [{ email: `${unique('e2e-invited')}@example.test`, name: 'Invited by the table', role: 'viewer', signIn: 'password' }],
    snapshot: tables('users'),
  },
  changeRoleAction: {
    permission: 'admin.users',
    args: async (seed) => [(await seed.user('viewer')).id, 'engineer'],
    snapshot: tables('users'),
  },
  setUserStatusAction: {
    permission: 'admin.users',
    args: async (seed) => [(await seed.user('viewer')).id, 'disabled'],
    snapshot: tables('users'),
  },
  resetInviteAction: {
    permission: 'admin.users',
    args: async (seed) => [(await seed.user('viewer')).id],
    snapshot: tables('users'),
  },
  // Session and second-factor administration (same file). Snapshots read revoked_at
  // only: a refused caller's own request may move its session's last-seen time.
  endUserSessionsAction: {
    permission: 'admin.users',
    args: async (seed) => {
      const user = await seed.user('viewer');
      await seed.db.query(`INSERT INTO user_sessions (id, user_id, expires_at) VALUES (gen_random_uuid(), $1, now() + interval '1 hour')`, [user.id]);
      return [user.id];
    },
    snapshot: async (db) => (await db.query('SELECT id, revoked_at FROM user_sessions ORDER BY id')).rows,
  },
  resetSecondFactorAction: {
    permission: 'admin.users',
    args: async (seed) => {
      const user = await seed.user('viewer');
      await seed.db.query(`UPDATE users SET totp_secret_enc = 'v1.a.b.c', totp_enabled_at = now() WHERE id = $1`, [user.id]);
      return [user.id];
    },
    snapshot: tables('users', 'recovery_codes'),
  },
  // Flips off -> everyone, which would hold every later password session at enrolment.
  setMfaRequirementAction: {
    permission: 'admin.users',
    args: async ({ db }) => {
      const { rows } = await db.query<{ mfa_required: string }>('SELECT mfa_required FROM auth_settings WHERE id = 1');
      return [{ mfaRequired: rows[0]?.mfa_required === 'everyone' ? 'off' : 'everyone' }];
    },
    snapshot: tables('auth_settings'),
    restore: async (db) => void (await db.query(`DELETE FROM auth_settings`)),
  },

  // One's own account (app/(dashboard)/account/actions.ts, app/(auth)/two-factor/actions.ts):
  // every role may, so only signed-out callers are refused.
  // Ends every session of the caller, the worker's shared one included: restored after.
  signOutEverywhereAction: {
    permission: 'account.self',
    args: () => [],
    snapshot: async (db) => (await db.query('SELECT id, revoked_at FROM user_sessions ORDER BY id')).rows,
    restore: async (db) =>
      void (await db.query(`UPDATE user_sessions SET revoked_at = NULL, revoked_reason = NULL WHERE revoked_reason = 'sign_out_everywhere'`)),
  },
  // The control enrols the shared admin session's user, with a code computed from the
  // secret its enrolment page shows; restored after.
  confirmTotpAction: {
    permission: 'account.self',
    args: async (seed) => {
      const admin = await seed.session('admin');
      enrollingUserId = admin.user.id;
      const page = await (await admin.request.get('/two-factor')).text();
      const secret = /data-testid="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(page)?.[1]?.replaceAll(' ', '');
      if (!secret) throw new Error('the enrolment page showed no secret');
      return [{ code: await generate({ secret }) }];
    },
    snapshot: tables('users', 'recovery_codes'),
    restore: async (db) => {
      await db.query(`UPDATE users SET totp_secret_enc = NULL, totp_pending_secret_enc = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`, [
        enrollingUserId,
      ]);
      await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [enrollingUserId]);
    },
  },

  // Access tokens (app/(dashboard)/account/actions.ts): one's own; every role may call
  // them (a role with no use for a token is refused by the data layer with an input error).
  createApiTokenAction: {
    permission: 'account.self',
    args: () => [{ name: 'authorization-spec', scopes: ['leak-check'], expiresInDays: '30' }],
    snapshot: tables('api_tokens'),
    restore: async (db) => void (await db.query(`DELETE FROM api_tokens WHERE name = 'authorization-spec'`)),
  },
  // The token belongs to the caller (an administrator could revoke anyone's anyway).
  revokeApiTokenAction: {
    permission: 'account.self',
    args: async (seed) => {
      const owner = seed.caller ?? (await seed.user('engineer'));
      const { rows } = await seed.db.query<{ id: string }>(
        `INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, expires_at) VALUES (gen_random_uuid(), $1, $2, $3, '{leak-check}', now() + interval '1 day') RETURNING id`,
        [owner.id, unique('token'), randomBytes(32)],
      );
      return [rows[0].id];
    },
    snapshot: async (db) => (await db.query('SELECT id, revoked_at FROM api_tokens ORDER BY id')).rows,
  },

  // A team's service token (app/(dashboard)/teams/actions.ts): administrators only. It
  // makes a service account (users), its membership and the token; revoking is revokeApiTokenAction.
  createServiceTokenAction: {
    permission: 'admin.users',
    args: async (seed) => [(await seed.team()).id, { name: 'authorization-spec-service', role: 'viewer', scopes: ['secrets:read'], expiresInDays: '30' }],
    snapshot: tables('api_tokens', 'users', 'team_members'),
  },

  // Team membership (app/(dashboard)/teams/actions.ts): administrators only.
  addTeamMemberAction: {
    permission: 'admin.users',
    args: async (seed) => [(await seed.team()).id, { email: (await seed.user('engineer')).email }],
    snapshot: tables('team_members'),
  },
  removeTeamMemberAction: {
    permission: 'admin.users',
    args: async (seed) => {
      const team = await seed.team();
      const user = await seed.user('engineer');
      await insertTeamMember(seed.db, team.id, user.id);
      return [team.id, { userId: user.id }];
    },
    snapshot: tables('team_members'),
  },

  // Provider connections (app/(dashboard)/settings/providers/actions.ts).
  createConnectionAction: {
    permission: 'admin.providers',
    args: () => [{ kind: 'aws', name: unique('e2e-connection'), region: 'eu-west-1', roleArn: '', endpoint: '' }],
    snapshot: tables('provider_connections'),
  },
  updateConnectionAction: {
    permission: 'admin.providers',
    args: async (seed) => [(await seed.connection('aws')).id, { kind: 'aws', name: unique('renamed-connection'), region: 'us-east-1' }],
    snapshot: tables('provider_connections'),
  },
  deleteConnectionAction: {
    permission: 'admin.providers',
    args: async (seed) => [(await seed.connection()).id],
    snapshot: tables('provider_connections', 'secrets'),
  },
  // Writes only its audit event, so the control checks the answer. A local connection:
  // the test makes no network call at all.
  testConnectionAction: {
    permission: 'admin.providers',
    args: async (seed) => [(await seed.connection('local')).id],
    snapshot: tables('provider_connections'),
    reads: (result) => expect(result).toMatchObject({ ok: true, passed: expect.any(Boolean), message: expect.stringMatching(/\S/) }),
  },

  // Discovery (app/(dashboard)/discovery/actions.ts): cloud secrets nobody inventoried.
  ignoreDiscoveredAction: {
    permission: 'admin.providers',
    args: async (seed) => [
      (await insertDiscovered(seed.db, (await seed.connection('aws')).id, [{ providerKey: unique('e2e-cloud') }]))[0],
      { reason: 'Not ours' },
    ],
    snapshot: tables('discovered_secrets'),
  },
  restoreDiscoveredAction: {
    permission: 'admin.providers',
    args: async (seed) => {
      const [id] = await insertDiscovered(seed.db, (await seed.connection('aws')).id, [{ providerKey: unique('e2e-cloud') }]);
      await seed.db.query(`UPDATE discovered_secrets SET ignored_at = now(), ignored_reason = 'seeded' WHERE id = $1`, [id]);
      return [id];
    },
    snapshot: tables('discovered_secrets'),
  },
  previewAdoptionAction: {
    permission: 'admin.providers',
    args: async (seed) => {
      const connection = await seed.connection('aws');
      await insertDiscovered(seed.db, connection.id, [{ providerKey: unique('e2e-cloud') }]);
      return [
        { connection: connection.id },
        { teamFallback: (await seed.team()).id, environmentFallback: await seed.environmentId(), classificationFallback: 'important' },
      ];
    },
    snapshot: tables('secrets', 'secret_consumers'),
    reads: (result) => expect((result as { data: { summary: unknown } }).data.summary).toEqual({ total: 1, valid: 1, invalid: 0 }),
  },
  commitAdoptionAction: {
    permission: 'admin.providers',
    args: async (seed) => {
      const connection = await seed.connection('aws');
      await insertDiscovered(seed.db, connection.id, [{ providerKey: unique('e2e-cloud') }]);
      const filter = { connection: connection.id };
      const rules = { teamFallback: (await seed.team()).id, environmentFallback: await seed.environmentId(), classificationFallback: 'important' };
      // The digest a preview gives: planned from the same rows, teams and rules.
      const admin = await seed.session('admin');
      const preview = ACTION_MANIFEST.find((a) => a.exportedName === 'previewAdoptionAction')!;
      const { result } = await callServerAction(admin.request, seed.e2e.baseURL, preview, [filter, rules]);
      return [filter, rules, (result as { data: { digest: string } }).data.digest];
    },
    snapshot: tables('secrets', 'secret_consumers'),
  },

  // Discovery on a connection's page (app/(dashboard)/settings/providers/[connectionId]/actions.ts).
  // The connection's endpoint is a closed loopback port: the worker's scan job never leaves the machine.
  startScanAction: {
    permission: 'admin.providers',
    args: async ({ db }) => [(await insertConnection(db, { kind: 'aws', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' })).id],
    snapshot: tables('discovery_scans'),
  },
  // Scanned a minute ago, so the scheduled job does not start one while the table is compared.
  setScanIntervalAction: {
    permission: 'admin.providers',
    args: async ({ db }) => {
      const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' });
      await db.query(
        `INSERT INTO discovery_scans (id, connection_id, trigger, status, started_at, finished_at) VALUES (gen_random_uuid(), $1, 'manual', 'completed', now() - interval '1 minute', now())`,
        [connection.id],
      );
      return [connection.id, { hours: '12' }];
    },
    snapshot: tables('provider_connections'),
  },

  // The fingerprint backfill on a connection's page (same actions.ts). A closed loopback
  // endpoint: the job a permitted call sends never leaves the machine.
  setFingerprintBackfillAction: {
    permission: 'admin.providers',
    args: async ({ db }) => [(await insertConnection(db, { kind: 'aws', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' })).id, true],
    snapshot: tables('provider_connections'),
  },
  startFingerprintBackfillAction: {
    permission: 'admin.providers',
    args: async ({ db }) => {
      const connection = await insertConnection(db, { kind: 'aws', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' });
      await db.query(`UPDATE provider_connections SET fingerprint_backfill = true WHERE id = $1`, [connection.id]);
      return [connection.id];
    },
    // The run itself is the worker's (a connection without secrets reads nothing); the call's trace is its audit event.
    snapshot: async (db) =>
      (await db.query(`SELECT count(*)::int AS started FROM audit_events WHERE action = 'fingerprint.backfill_start' AND outcome = 'success'`)).rows,
  },

  // The database host allowlist (app/(dashboard)/settings/database-hosts/actions.ts).
  addDatabaseHostAction: {
    permission: 'admin.providers',
    args: () => [{ host: `${unique('e2e-db')}.example.test`, note: 'authorization table' }],
    snapshot: tables('database_hosts'),
  },
  removeDatabaseHostAction: {
    permission: 'admin.providers',
    args: async ({ db }) => {
      const { rows } = await db.query<{ id: string }>(`INSERT INTO database_hosts (id, host) VALUES (gen_random_uuid(), $1) RETURNING id`, [
        `${unique('e2e-db')}.example.test`,
      ]);
      return [rows[0].id];
    },
    snapshot: tables('database_hosts'),
  },

  // Rotation defaults (app/(dashboard)/settings/policies/actions.ts). The interval flips
  // between two values, so the permitted call always changes the row.
  updatePolicyAction: {
    permission: 'admin.policies',
    args: async ({ db }) => {
      const { rows } = await db.query<{ interval_days: number }>(`SELECT interval_days FROM classification_policies WHERE classification = 'sensitive'`);
      return ['sensitive', { intervalDays: String(rows[0].interval_days === 365 ? 366 : 365), graceHours: '24', reminderDays: '14' }];
    },
    snapshot: tables('classification_policies'),
  },

  // The audit retention period (app/(dashboard)/settings/retention/actions.ts). The period
  // flips between two values, so the permitted call always changes the row.
  updateAuditRetentionAction: {
    permission: 'admin.retention',
    args: async ({ db }) => {
      const { rows } = await db.query<{ retention_days: number | null }>('SELECT retention_days FROM audit_settings WHERE id = 1');
      return [{ keep: 'days', retentionDays: String(rows[0].retention_days === 3650 ? 3651 : 3650) }];
    },
    snapshot: tables('audit_settings'),
  },

  // Notification channels (app/(dashboard)/settings/notifications/actions.ts).
  createChannelAction: {
    permission: 'admin.notifications',
    args: () => [{ name: unique('e2e-channel'), kind: 'webhook', url: 'http://127.0.0.1:9/e2e-hook', events: ['rotation.failed'], enabled: 'on' }],
    snapshot: tables('notification_channels'),
  },
  updateChannelAction: {
    permission: 'admin.notifications',
    args: async (seed) => [
      (await seed.channel()).id,
      { name: unique('renamed-channel'), kind: 'slack', url: 'http://127.0.0.1:9/renamed', events: ['secret.compromised'] },
    ],
    snapshot: tables('notification_channels'),
  },
  deleteChannelAction: {
    permission: 'admin.notifications',
    args: async (seed) => [(await seed.channel()).id],
    snapshot: tables('notification_channels', 'notification_deliveries'),
  },
  // Records the attempt in the delivery history (the port refuses, so it fails at once).
  sendTestEventAction: {
    permission: 'admin.notifications',
    args: async (seed) => [(await seed.channel()).id],
    snapshot: tables('notification_deliveries'),
  },

  // Audit sinks (app/(dashboard)/settings/audit-sinks/actions.ts). Loopback port 9 refuses,
  // so the worker's deliveries and the test event fail at once and reach nothing.
  createSinkAction: {
    permission: 'admin.audit_sinks',
    args: () => [{ name: unique('e2e-sink'), kind: 'syslog', endpoint: '127.0.0.1:9', allowPlaintext: 'on', enabled: 'on', startFrom: 'now' }],
    snapshot: tables('audit_sinks'),
  },
  updateSinkAction: {
    permission: 'admin.audit_sinks',
    args: async ({ db }) => [
      (await insertAuditSink(db, { enabled: false })).id,
      { name: unique('renamed-sink'), kind: 'syslog', endpoint: '127.0.0.1:9', allowPlaintext: 'on' },
    ],
    snapshot: tables('audit_sinks'),
  },
  pauseSinkAction: {
    permission: 'admin.audit_sinks',
    args: async ({ db }) => [(await insertAuditSink(db)).id],
    snapshot: tables('audit_sinks'),
  },
  resumeSinkAction: {
    permission: 'admin.audit_sinks',
    args: async ({ db }) => [(await insertAuditSink(db, { enabled: false })).id],
    snapshot: tables('audit_sinks'),
  },
  deleteSinkAction: {
    permission: 'admin.audit_sinks',
    args: async ({ db }) => [(await insertAuditSink(db, { enabled: false })).id],
    snapshot: tables('audit_sinks'),
  },
  // Changes no row (the sink's state is the stream's); the call's trace is its audit event.
  sendSinkTestAction: {
    permission: 'admin.audit_sinks',
    args: async ({ db }) => [(await insertAuditSink(db, { enabled: false })).id],
    snapshot: async (db) => (await db.query(`SELECT count(*)::int AS tested FROM audit_events WHERE action = 'audit_sink.test' AND outcome <> 'denied'`)).rows,
  },

  // Public by design (a signed-out person redeems the code an admin gave them), so it
  // guards itself: the real code of an invite that has expired must not set a password.
  acceptInviteAction: {
    permission: 'public',
    args: async ({ db }) => {
      const code = randomBytes(24).toString('base64url');
      const user = await insertUser(db, 'viewer');
      await db.query(`UPDATE users SET password_hash = NULL, invite_code_hash = $2, invite_expires = now() - interval '1 minute' WHERE id = $1`, [
        user.id,
        createHash('sha256').update(code).digest('hex'),
      ]);
      const password = 'mallory-chose-this-password';
      return [{ email: user.email, code, password, confirmPassword: password }];
    },
    snapshot: tables('users'),
    refusal: /This invite code is not valid or has expired/,
  },
};

/** An import file: the required columns plus consuming systems, one array per row. */
function importCsv(...rows: string[][]): string {
  return [['Secret Name', 'Environment', 'Owner', 'Consuming Systems', 'Classification'], ...rows].map((r) => r.join(',')).join('\r\n');
}

type RouteRow =
  | { access: 'public' }
  /** Any signed-in role (nothing role-specific in the answer); signed out => 401. */
  | { access: 'signed-in' }
  | {
      permission: Permission;
      method?: 'GET' | 'POST';
      /** A concrete URL for dynamic routes, with a query that would succeed for a permitted caller (seeded for the caller, when a function). */
      path?: string | ((db: Db, userId: string | null) => Promise<string>);
      /** A POST's body: JSON for an object, as-is for a string. */
      data?: unknown;
      /** What a permitted caller gets (200 unless said). */
      okStatus?: number;
      snapshot?: (db: Db) => Promise<unknown>;
    };

// One row per route handler in the build. Signed out => 401, signed in without the
// permission => 403 and a 'denied' audit event.
const ROUTES: Record<string, RouteRow> = {
  '/api/auth/[...nextauth]': { access: 'public' },
  '/api/health': { access: 'public' },
  '/api/health/live': { access: 'public' },
  '/api/health/ready': { access: 'public' },
  // Prometheus text: an admin's session here; a metrics:read token in test/integration/metrics.test.ts.
  '/api/metrics': { permission: 'metrics.read' },
  // The REST API's OpenAPI document: a description of the API, no data.
  '/api/v1/openapi.json': { access: 'public' },
  // The app's icon (app/icon.svg), served to every page and to the sign-in page.
  '/icon.svg': { access: 'public' },
  // Every role may export (viewer, engineer, auditor, admin), so only signed out is refused.
  '/api/export/inventory': { permission: 'inventory.export' },
  // One section of the Orphans report as CSV: every role may export, as for the inventory.
  '/api/export/orphans': { permission: 'inventory.export', path: '/api/export/orphans?tab=unread&days=30' },
  // The inventory list's rows as JSON (what its filters, sort and pager fetch): every role reads the inventory.
  '/api/inventory/rows': { permission: 'secrets.read', path: '/api/inventory/rows?status=any' },
  // The audit trail's events as JSON (what the Audit page's filters and pager fetch): auditors and admins.
  '/api/audit/events': { permission: 'audit.read', path: '/api/audit/events?outcome=denied' },
  // Auditor exports: audit events as CSV / JSON Lines, and the signed evidence bundle.
  '/api/export/audit': { permission: 'audit.export', path: '/api/export/audit?format=jsonl' },
  '/api/export/audit/bundle': { permission: 'audit.export' },
  // Provider access history as CSV / JSON Lines.
  '/api/export/access': { permission: 'audit.export', path: '/api/export/access?format=csv' },
  '/api/export/posture': { permission: 'inventory.export' },
  // Bundle verification reads only the upload (an empty one answers 200 "not a zip").
  '/api/audit/verify-bundle': { permission: 'audit.read', method: 'POST' },
  // The import template: a header row and a made-up example, no inventory data.
  '/inventory/import/template': { access: 'signed-in' },
  // The leak check: a paste scanned here (NDJSON progress, then the scan id), and the CLI's
  // start / batch / finish calls (a browser session works too; a bearer token in e2e/leak-check.spec.ts).
  '/api/leak-check/upload': {
    permission: 'leak.scan',
    method: 'POST',
    path: '/api/leak-check/upload?source=paste',
    data: 'nothing secret in this text at all',
    snapshot: tables('leak_scans', 'leak_findings'),
  },
  '/api/leak-check/scans': { permission: 'leak.scan', method: 'POST', data: { kind: 'cli', label: 'e2e repo' }, okStatus: 201, snapshot: tables('leak_scans') },
  '/api/leak-check/scans/[scanId]/batches': {
    permission: 'leak.scan',
    method: 'POST',
    path: async (db, userId) => `/api/leak-check/scans/${(await insertLeakScan(db, userId)).id}/batches`,
    data: {
      candidates: [{ text: 'nothing-secret-here-at-all', path: 'a.txt', line: 1, preview: 'x' }],
      patterns: [],
      progress: { bytes: 10, files: 1, commits: 0 },
    },
    snapshot: tables('leak_findings'),
  },
  '/api/leak-check/scans/[scanId]/finish': {
    permission: 'leak.scan',
    method: 'POST',
    path: async (db, userId) => `/api/leak-check/scans/${(await insertLeakScan(db, userId)).id}/finish`,
    data: { status: 'completed' },
  },
};

/**
 * One call of a REST API route: what a permitted caller sends (`request` seeds what it
 * needs and gives the URL and the JSON body), the status it gets, and the tables a write
 * changes. The call is made with a bearer token carrying every scope the caller's role may
 * hold; a browser session alone never authenticates it.
 */
type ApiCall = {
  permission: Permission;
  method?: 'GET' | 'POST' | 'PATCH';
  request?: (db: Db) => Promise<{ path: string; data?: unknown }>;
  okStatus?: number;
  snapshot?: (db: Db) => Promise<unknown>;
};

/** A seeded secret, connected to a fresh local-provider connection when `connected`. */
async function apiSecret(db: Db, connected = false) {
  const secret = await insertSecret(db, { ownerTeamId: (await insertTeam(db)).id, environmentId: await environmentId(db) });
  if (connected) await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
  return secret;
}

const apiSecretPath =
  (suffix = '', connected = false) =>
  async (db: Db) => ({ path: `/api/v1/secrets/${(await apiSecret(db, connected)).id}${suffix}` });

// One row per REST API route (app/api/v1), keyed like ROUTES, with one call per method.
const API_ROUTES: Record<string, ApiCall[]> = {
  '/api/v1/secrets': [
    { permission: 'secrets.read', request: async () => ({ path: '/api/v1/secrets?status=any&size=25' }) },
    {
      permission: 'secrets.write',
      method: 'POST',
      request: async (db) => ({
        path: '/api/v1/secrets',
        data: {
          name: unique('api-secret'),
          environmentId: await environmentId(db),
          ownerTeamId: (await insertTeam(db)).id,
          classification: 'sensitive',
          autoRotate: false,
        },
      }),
      okStatus: 201,
      snapshot: tables('secrets'),
    },
  ],
  '/api/v1/secrets/[id]': [
    { permission: 'secrets.read', request: apiSecretPath() },
    {
      permission: 'secrets.write',
      method: 'PATCH',
      request: async (db) => {
        const secret = await apiSecret(db);
        const { rows } = await db.query<{ updated_at: Date }>('SELECT updated_at FROM secrets WHERE id = $1', [secret.id]);
        return { path: `/api/v1/secrets/${secret.id}`, data: { description: 'changed by the API', expectedUpdatedAt: rows[0].updated_at.toISOString() } };
      },
      snapshot: tables('secrets'),
    },
  ],
  '/api/v1/secrets/[id]/decommission': [
    {
      permission: 'secrets.write',
      method: 'POST',
      request: async (db) => ({ ...(await apiSecretPath('/decommission')(db)), data: { reason: 'retired by the API' } }),
      snapshot: tables('secrets'),
    },
  ],
  '/api/v1/secrets/[id]/value': [
    {
      permission: 'secrets.value.write',
      method: 'POST',
      request: async (db) => ({ ...(await apiSecretPath('/value', true)(db)), data: { mode: 'generate', alphabet: 'alphanumeric', length: 32 } }),
      okStatus: 201,
      snapshot: tables('secret_versions'),
    },
  ],
  '/api/v1/secrets/[id]/rotation': [{ permission: 'secrets.read', request: apiSecretPath('/rotation') }],
  '/api/v1/secrets/[id]/rotate': [
    {
      permission: 'secrets.rotate',
      method: 'POST',
      request: async (db) => ({ ...(await apiSecretPath('/rotate', true)(db)), data: {} }),
      okStatus: 201,
      snapshot: tables('rotation_runs'),
    },
  ],
  '/api/v1/rotations': [{ permission: 'secrets.read', request: async () => ({ path: '/api/v1/rotations?tab=overdue' }) }],
  '/api/v1/environments': [{ permission: 'secrets.read' }],
  '/api/v1/teams': [{ permission: 'secrets.read' }],
  '/api/v1/systems': [
    { permission: 'secrets.read' },
    {
      permission: 'catalog.write',
      method: 'POST',
      request: async (db) => ({ path: '/api/v1/systems', data: { name: unique('api-system'), ownerTeamId: (await insertTeam(db)).id } }),
      okStatus: 201,
      snapshot: tables('systems'),
    },
  ],
  '/api/v1/systems/[id]': [
    { permission: 'secrets.read', request: async (db) => ({ path: `/api/v1/systems/${(await insertSystem(db, (await insertTeam(db)).id)).id}` }) },
  ],
  '/api/v1/audit/events': [{ permission: 'audit.read', request: async () => ({ path: '/api/v1/audit/events?outcome=denied' }) }],
  '/api/v1/exports/audit': [{ permission: 'audit.export', request: async () => ({ path: '/api/v1/exports/audit?format=jsonl' }) }],
  '/api/v1/exports/access': [{ permission: 'audit.export', request: async () => ({ path: '/api/v1/exports/access?format=csv' }) }],
  '/api/v1/posture': [{ permission: 'secrets.read' }],
  '/api/v1/discovery/drift': [{ permission: 'secrets.read', request: async () => ({ path: '/api/v1/discovery/drift?kind=provider_missing' }) }],
};
// ---------------------------------------------------------------------------------

const ACTION_MANIFEST = buildServerActions() ?? [];
const ROUTE_MANIFEST = buildRouteHandlers() ?? [];

const rowKey = (action: ServerAction) =>
  `${action.filename}#${action.exportedName}` in ACTIONS ? `${action.filename}#${action.exportedName}` : action.exportedName;

type CallerKind = 'signed-out' | Role;
const refusedCallers = (permission: Permission | 'public'): CallerKind[] =>
  permission === 'public' ? ['signed-out', ...ROLES] : ['signed-out', ...ROLES.filter((role) => !can(role, permission))];

/** What a refusal test gets: who calls (no session when signed out), the request context it calls with, and the fixtures. */
type Refusal = {
  caller: CallerKind;
  session: SignedIn | null;
  request: APIRequestContext;
  db: Db;
  e2e: E2EState;
  sessionAs: (role: Role) => Promise<SignedIn>;
  /** Checks the caller's denied audit events since the test began name exactly `permission`; returns them. */
  expectDenied: () => Promise<AuditRow[]>;
};

/** One test per caller that `permission` refuses (signed out, and every role lacking it); `refuse` makes the call and checks it was refused. */
function testRefusals(permission: Permission | 'public', refuse: (refusal: Refusal) => Promise<void>) {
  for (const caller of refusedCallers(permission)) {
    test(`refuses ${caller === 'signed-out' ? 'signed-out callers' : `role ${caller}`}`, async ({ db, e2e, playwright, sessionAs, auditEvents, auditMark }) => {
      const session: SignedIn | null = caller === 'signed-out' ? null : await sessionAs(caller);
      const request = session?.request ?? (await playwright.request.newContext({ baseURL: e2e.baseURL }));
      const mark = await auditMark();
      const expectDenied = async () => {
        const denied = await auditEvents({ afterId: mark, actorId: session!.user.id, outcome: 'denied' });
        expect(
          denied.map((e) => e.detail?.permission),
          'a denied audit event naming the permission',
        ).toEqual([permission]);
        return denied;
      };
      try {
        await refuse({ caller, session, request, db, e2e, sessionAs, expectDenied });
      } finally {
        if (!session) await request.dispose();
      }
    });
  }
}

test.describe('the table covers the build', () => {
  test('every server action in the build has a row, and every row an action', () => {
    expect(buildServerActions(), 'no .next/server/server-reference-manifest.json: run `npx next build`').not.toBeNull();
    const names = ACTION_MANIFEST.map((a) => a.exportedName);
    const ambiguous = names.filter((n, i) => names.indexOf(n) !== i);
    const missing = ACTION_MANIFEST.filter((a) => !(rowKey(a) in ACTIONS)).map((a) => `${a.exportedName} (${a.filename})`);
    const stale = Object.keys(ACTIONS).filter((key) => !ACTION_MANIFEST.some((a) => rowKey(a) === key));
    expect(missing, 'server actions without a row in ACTIONS (add one: see the top of this file)').toEqual([]);
    expect(stale, 'rows in ACTIONS for actions the build does not have (renamed or removed?)').toEqual([]);
    for (const name of new Set(ambiguous)) {
      expect(
        ACTION_MANIFEST.filter((a) => a.exportedName === name).every((a) => `${a.filename}#${name}` in ACTIONS),
        `several modules export ${name}: key their rows as '<file>#${name}'`,
      ).toBe(true);
    }
  });

  test('every route handler in the build has a row, and every row a route', () => {
    expect(buildRouteHandlers(), 'no .next/server/app-paths-manifest.json: run `npx next build`').not.toBeNull();
    expect(
      ROUTE_MANIFEST.filter((r) => !(r in ROUTES) && !(r in API_ROUTES)),
      'route handlers without a row in ROUTES',
    ).toEqual([]);
    expect(
      [...Object.keys(ROUTES), ...Object.keys(API_ROUTES)].filter((r) => !ROUTE_MANIFEST.includes(r)),
      'rows in ROUTES for routes the build does not have',
    ).toEqual([]);
  });
});

/**
 * The seeder; with `memberId`, that user is put in every team it creates (team-scoped
 * controls); `caller` is who the spec calls the action as.
 */
function seederFor(
  db: Db,
  e2e: E2EState,
  { session, memberId, caller }: { session: Seeder['session']; memberId?: string; caller?: { id: string; email: string } },
): Seeder {
  const insertTeamOf = async (db: Db) => {
    const team = await insertTeam(db);
    if (memberId) await insertTeamMember(db, team.id, memberId);
    return team;
  };
  return {
    db,
    e2e,
    session,
    team: () => insertTeamOf(db),
    system: async (ownerTeamId) => insertSystem(db, ownerTeamId ?? (await insertTeamOf(db)).id),
    secret: async (options = {}) =>
      insertSecret(db, {
        ownerTeamId: options.ownerTeamId ?? (await insertTeamOf(db)).id,
        environmentId: options.environmentId ?? (await environmentId(db)),
      }),
    connectedSecret: async () => {
      const secret = await insertSecret(db, { ownerTeamId: (await insertTeamOf(db)).id, environmentId: await environmentId(db) });
      await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
      return secret;
    },
    localStore: () => new LocalStore(LOCAL_PROVIDER_DIR, Buffer.from(e2e.localProviderKey, 'base64url')),
    environmentId: (name) => environmentId(db, name),
    user: (role) => insertUser(db, role),
    connection: (kind) => insertConnection(db, { kind, region: kind === 'aws' ? 'eu-west-1' : undefined, projectId: kind === 'gcp' ? 'acme-e2e' : undefined }),
    channel: () => insertChannel(db),
    caller: caller ?? null,
    gatedSecret: async () => {
      const secret = await insertSecret(db, { ownerTeamId: (await insertTeamOf(db)).id, environmentId: await environmentId(db) });
      await connectSecret(db, secret.id, (await insertConnection(db)).id, `production/${secret.name}`);
      await gateSecret(db, secret.id);
      return secret;
    },
  };
}

for (const action of ACTION_MANIFEST) {
  const row = ACTIONS[rowKey(action)];
  if (!row) continue; // reported by the coverage test above
  test.describe(`server action ${action.exportedName} (${row.permission})`, () => {
    const permission = row.permission;
    const restore = row.restore;
    if (restore) test.afterEach(async ({ db }) => restore(db));
    if (permission !== 'public') {
      // The control: the same call by a permitted role works and changes the snapshot,
      // so the refusals below are refusals and not bad arguments or a blind snapshot.
      test('succeeds for a permitted role with the same arguments', async ({ db, e2e, sessionAs }) => {
        const role = ROLES.find((r) => can(r, permission))!;
        const session = await sessionAs(role);
        const args = await row.args(seederFor(db, e2e, { session: sessionAs, caller: session.user }));
        const before = await row.snapshot(db);
        const outcome = await callServerAction(session.request, e2e.baseURL, action, args);
        expect(outcome.result, `as ${role}; body:\n${outcome.body.slice(0, 500)}`).toMatchObject({ ok: true });
        if (row.reads) row.reads(outcome.result);
        else expect(await row.snapshot(db), 'the permitted call changed nothing the snapshot sees').not.toEqual(before);
      });
    }

    testRefusals(permission, async ({ caller, session, request, db, e2e, sessionAs, expectDenied }) => {
      const args = await row.args(seederFor(db, e2e, { session: sessionAs, caller: session?.user }));
      const before = await row.snapshot(db);

      const outcome = await callServerAction(request, e2e.baseURL, action, args);

      expect(outcome.status, `HTTP status; body:\n${outcome.body.slice(0, 500)}`).toBe(200);
      expect(outcome.thrown, 'the action threw instead of refusing cleanly').toBeUndefined();
      if (permission === 'public') {
        expect(outcome.result).toMatchObject({ ok: false, error: expect.stringMatching(row.refusal ?? /./) });
      } else if (!session) {
        // Signed out: the data layer's refusal, or a redirect to the sign-in page.
        if (outcome.redirect) expect(outcome.redirect).toBe('/sign-in');
        else expect(outcome.result).toEqual({ ok: false, error: 'Sign in to continue.' });
      } else {
        expect(outcome.redirect).toBeNull();
        expect(outcome.result).toEqual({ ok: false, error: 'You do not have permission to do that.' });
      }

      expect(await row.snapshot(db), 'the refused call changed the database').toEqual(before);

      if (session && permission !== 'public') {
        const denied = await expectDenied();
        expect(denied[0].actorRole).toBe(caller);
      }
    });
  });
}

// Team scope: an engineer of another team is refused (and audited, and nothing changes);
// an engineer of the owning team, with the same arguments, succeeds.
for (const action of ACTION_MANIFEST) {
  const row = ACTIONS[rowKey(action)];
  if (!row?.teamScoped || row.permission === 'public') continue;
  const permission = row.permission;
  test.describe(`server action ${action.exportedName} (team-scoped ${permission})`, () => {
    test('succeeds for an engineer of the owning team', async ({ db, e2e, signedInContext, sessionAs }) => {
      const member = await signedInContext('engineer');
      const args = await row.args(seederFor(db, e2e, { session: sessionAs, memberId: member.user.id, caller: member.user }));
      const before = await row.snapshot(db);
      const outcome = await callServerAction(member.request, e2e.baseURL, action, args);
      expect(outcome.result, `body:\n${outcome.body.slice(0, 500)}`).toMatchObject({ ok: true });
      if (row.reads) row.reads(outcome.result);
      else expect(await row.snapshot(db), 'the permitted call changed nothing the snapshot sees').not.toEqual(before);
    });

    test('refuses an engineer of another team', async ({ db, e2e, signedInContext, sessionAs, auditEvents, auditMark }) => {
      const outsider = await signedInContext('engineer');
      await insertTeamMember(db, (await insertTeam(db)).id, outsider.user.id); // in a team, just not the owning one
      const args = await row.args(seederFor(db, e2e, { session: sessionAs, caller: outsider.user }));
      const before = await row.snapshot(db);
      const mark = await auditMark();
      const outcome = await callServerAction(outsider.request, e2e.baseURL, action, args);
      expect(outcome.thrown, 'the action threw instead of refusing cleanly').toBeUndefined();
      expect(outcome.result).toEqual({ ok: false, error: expect.stringMatching(/^Only members of .+, the team that owns this secret, can do that\./) });
      expect(await row.snapshot(db), 'the refused call changed the database').toEqual(before);
      const denied = await auditEvents({ afterId: mark, actorId: outsider.user.id, outcome: 'denied' });
      expect(denied.map((e) => [e.detail?.permission, e.detail?.reason])).toEqual([[permission, 'not_team_member']]);
    });
  });
}

// The two-person rule: on a secret whose classification policy asks for approval (in
// production), an engineer of the owning team is refused without an approval (audited,
// nothing changes) and succeeds with one. Every action that writes a value or starts a
// rotation on a person's say-so has a row here.
const APPROVAL_GATED: Record<string, { kind: 'value_write' | 'rotation'; args: (secretId: string) => unknown[]; snapshot: (db: Db) => Promise<unknown> }> = {
  writeSecretValueAction: {
    kind: 'value_write',
    args: (secretId) => [secretId, { mode: 'enter', note: '', idempotencyToken: crypto.randomUUID(), value: unique('gated-value') }],
    snapshot: tables('secret_versions', 'secrets'),
  },
  startRotationAction: { kind: 'rotation', args: (secretId) => [secretId, {}], snapshot: tables('rotation_runs', 'secrets') },
};

for (const [name, gated] of Object.entries(APPROVAL_GATED)) {
  const action = ACTION_MANIFEST.find((a) => a.exportedName === name);
  test.describe(`server action ${name} (approval-gated)`, () => {
    test('the action exists in the build', () => expect(action, `${name} is not in the build`).toBeDefined());
    if (!action) return;

    test('refuses an engineer of the owning team without an approval', async ({ db, e2e, signedInContext, sessionAs, auditEvents, auditMark }) => {
      const member = await signedInContext('engineer');
      const secret = await seederFor(db, e2e, { session: sessionAs, memberId: member.user.id }).gatedSecret();
      const before = await gated.snapshot(db);
      const mark = await auditMark();
      const outcome = await callServerAction(member.request, e2e.baseURL, action, gated.args(secret.id));
      expect(outcome.result).toEqual({ ok: false, error: expect.stringMatching(/^This secret needs a second person's approval/) });
      expect(await gated.snapshot(db), 'the refused call changed the database').toEqual(before);
      const denied = await auditEvents({ afterId: mark, actorId: member.user.id, outcome: 'denied' });
      expect(denied.map((e) => e.detail?.reason)).toEqual(['approval_required']);
    });

    test('succeeds for that engineer with an approval, and uses it', async ({ db, e2e, signedInContext, sessionAs }) => {
      const member = await signedInContext('engineer');
      const secret = await seederFor(db, e2e, { session: sessionAs, memberId: member.user.id }).gatedSecret();
      const approval = await insertApproval(db, secret.id, member.user, 'approved', gated.kind);
      const before = await gated.snapshot(db);
      const outcome = await callServerAction(member.request, e2e.baseURL, action, gated.args(secret.id));
      expect(outcome.result, `body:\n${outcome.body.slice(0, 500)}`).toMatchObject({ ok: true });
      expect(await gated.snapshot(db)).not.toEqual(before);
      const { rows } = await db.query(`SELECT state FROM change_approvals WHERE id = $1`, [approval.id]);
      expect(rows).toEqual([{ state: 'used' }]);
    });
  });
}

for (const [route, row] of Object.entries(ROUTES)) {
  if (!('access' in row) || row.access !== 'signed-in') continue;
  test.describe(`route ${route} (any signed-in role)`, () => {
    for (const role of ROLES) {
      test(`answers role ${role}`, async ({ sessionAs }) => {
        const response = await (await sessionAs(role)).request.get(route, { maxRedirects: 0 });
        expect(response.status(), `as ${role}`).toBe(200);
      });
    }
    test('refuses signed-out callers', async ({ e2e, playwright }) => {
      const request = await playwright.request.newContext({ baseURL: e2e.baseURL });
      const response = await request.get(route, { maxRedirects: 0 });
      const body = await response.text();
      await request.dispose();
      expect(response.status(), body.slice(0, 300)).toBe(401);
    });
  });
}

/** The request a browser on the dashboard sends: a POST carries the page's Origin (lib/auth/cross-site.ts refuses it without). */
function routeRequest(row: { method?: 'GET' | 'POST'; data?: unknown }, e2e: E2EState) {
  const method = row.method ?? 'GET';
  const headers: Record<string, string> = method === 'POST' ? { origin: e2e.baseURL } : {};
  return { method, maxRedirects: 0, headers, ...(row.data === undefined ? {} : { data: row.data }) };
}

/** The URL a row calls, seeded for `userId` when the row says how. */
async function routePath(route: string, row: { path?: string | ((db: Db, userId: string | null) => Promise<string>) }, db: Db, userId: string | null) {
  return typeof row.path === 'function' ? row.path(db, userId) : (row.path ?? route);
}

for (const [route, row] of Object.entries(ROUTES)) {
  if (!('permission' in row)) continue;
  const permission = row.permission;
  test.describe(`route ${route} (${permission})`, () => {
    test('answers a permitted role (the row is meaningful)', async ({ e2e, db, sessionAs }) => {
      const role = ROLES.find((r) => can(r, permission))!;
      const session = await sessionAs(role);
      const response = await session.request.fetch(await routePath(route, row, db, session.user.id), routeRequest(row, e2e));
      expect(response.status(), `as ${role}: ${(await response.text()).slice(0, 300)}`).toBe(row.okStatus ?? 200);
    });

    testRefusals(permission, async ({ session, request, db, e2e, expectDenied }) => {
      const path = await routePath(route, row, db, session?.user.id ?? null);
      const before = await row.snapshot?.(db);
      const response = await request.fetch(path, routeRequest(row, e2e));
      const body = await response.text();

      expect(response.status(), body.slice(0, 300)).toBe(session ? 403 : 401);
      if (row.snapshot) expect(await row.snapshot(db), 'the refused call changed the database').toEqual(before);
      if (session) await expectDenied();
    });
  });
}

/** A live bearer token for `userId` carrying every scope its role may hold (written as lib/auth/api-tokens.ts stores one: its SHA-256). */
async function insertBearerToken(db: Db, userId: string, role: Role): Promise<string> {
  const token = `sid_${randomBytes(32).toString('base64url')}`;
  const scopes = Object.entries(SCOPE_PERMISSIONS)
    .filter(([, permissions]) => permissions.some((p) => can(role, p)))
    .map(([scope]) => scope);
  await db.query(
    `INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, expires_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, now() + interval '1 day')`,
    [userId, unique('e2e-api'), createHash('sha256').update(token).digest(), scopes],
  );
  return token;
}

// The REST API: a permitted role's token succeeds where its browser session alone gets 401;
// signed out is 401; a role lacking the permission, with every scope its role may hold, is
// 403 with a denied audit event, and nothing changes.
for (const [route, calls] of Object.entries(API_ROUTES)) {
  for (const call of calls) {
    const method = call.method ?? 'GET';
    const prepare = call.request ?? (async (): Promise<{ path: string; data?: unknown }> => ({ path: route }));
    test.describe(`REST API ${method} ${route} (${call.permission})`, () => {
      // Every test here is one client address: clear its count of calls without a live token
      // (after 30 a minute it is refused for five minutes, tested in service-tokens.test.ts).
      test.beforeEach(async ({ db }) => void (await db.query(`DELETE FROM rate_limits WHERE key LIKE 'api_auth_address%'`)));
      test("answers a permitted role's token, never its session alone", async ({ db, sessionAs }) => {
        const role = ROLES.find((r) => can(r, call.permission))!;
        const session = await sessionAs(role);
        const { path, data } = await prepare(db);
        const sessionOnly = await session.request.fetch(path, { method, data, maxRedirects: 0 });
        expect(sessionOnly.status(), 'a session cookie never authenticates an API call').toBe(401);
        const token = await insertBearerToken(db, session.user.id, role);
        const response = await session.request.fetch(path, { method, data, maxRedirects: 0, headers: { authorization: `Bearer ${token}` } });
        expect(response.status(), `as ${role}: ${(await response.text()).slice(0, 300)}`).toBe(call.okStatus ?? 200);
      });

      testRefusals(call.permission, async ({ caller, session, request, db, expectDenied }) => {
        const { path, data } = await prepare(db);
        const before = await call.snapshot?.(db);
        const token = session && caller !== 'signed-out' ? await insertBearerToken(db, session.user.id, caller) : null;
        const response = await request.fetch(path, { method, data, maxRedirects: 0, headers: token ? { authorization: `Bearer ${token}` } : {} });
        const body = await response.text();
        expect(response.status(), body.slice(0, 300)).toBe(session ? 403 : 401);
        expect(JSON.parse(body)).toMatchObject({ error: { code: session ? 'forbidden' : 'unauthenticated' } });
        if (call.snapshot) expect(await call.snapshot(db), 'the refused call changed the database').toEqual(before);
        if (session) await expectDenied();
      });
    });
  }
}

// The inventory's rows route (app/api/inventory/rows) beyond the table above: a cross-site
// fetch is refused and audited like every route's, and a caller gets the same rows the
// Inventory page shows them for the same URL (lib/data/secrets.ts decides, for both).
test.describe('route /api/inventory/rows', () => {
  test('refuses a cross-site fetch, audited', async ({ sessionAs, auditEvents, auditMark }) => {
    const viewer = await sessionAs('viewer');
    const mark = await auditMark();
    const response = await viewer.request.get('/api/inventory/rows', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(response.status()).toBe(403);
    expect(await response.text()).not.toContain('"items"');
    const refused = await auditEvents({ afterId: mark, actorId: viewer.user.id, action: 'request.cross_site' });
    expect(refused.map((e) => [e.targetId, e.detail?.reason])).toEqual([['GET /api/inventory/rows', 'cross_site_fetch']]);
  });

  test('answers each role the rows the page shows it for the same query, uncached', async ({ db, sessionAs }) => {
    const term = unique('e2e-rows');
    const team = await insertTeam(db);
    const names = [`${term}-a`, `${term}-b`];
    for (const name of names) await insertSecret(db, { ownerTeamId: team.id, environmentId: await environmentId(db), name });
    for (const role of ROLES) {
      const session = await sessionAs(role);
      const response = await session.request.get(`/api/inventory/rows?q=${term}`, { headers: { 'sec-fetch-site': 'same-origin' } });
      expect(response.status(), role).toBe(200);
      expect(response.headers()['cache-control'], role).toContain('no-store');
      const body = (await response.json()) as { page: { items: { name: string }[]; total: number } };
      expect(
        body.page.items.map((s) => s.name),
        role,
      ).toEqual(names);
      expect(body.page.total, role).toBe(2);
      const html = await (await session.request.get(`/inventory?q=${term}`)).text();
      for (const name of names) expect(html, `${role}: the page lists ${name}`).toContain(name);
    }
  });
});

// The Audit page's events route (app/api/audit/events) beyond the table above: a cross-site
// fetch is refused and audited like every route's; a malformed filter answers 400 naming it,
// but only to a caller who may read the trail (the permission is checked first); and it
// answers the events the page shows for the same URL, uncached.
test.describe('route /api/audit/events', () => {
  test('refuses a cross-site fetch, audited', async ({ sessionAs, auditEvents, auditMark }) => {
    const auditor = await sessionAs('auditor');
    const mark = await auditMark();
    const response = await auditor.request.get('/api/audit/events', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(response.status()).toBe(403);
    expect(await response.text()).not.toContain('"items"');
    const refused = await auditEvents({ afterId: mark, actorId: auditor.user.id, action: 'request.cross_site' });
    expect(refused.map((e) => [e.targetId, e.detail?.reason])).toEqual([['GET /api/audit/events', 'cross_site_fetch']]);
  });

  test('a malformed filter: 400 naming it for an auditor, 403 (audited) for a viewer', async ({ sessionAs, auditEvents, auditMark }) => {
    const same = { headers: { 'sec-fetch-site': 'same-origin' } };
    const auditor = await sessionAs('auditor');
    const response = await auditor.request.get('/api/audit/events?from=2026-02-30&outcome=bogus', same);
    expect(response.status()).toBe(400);
    expect(response.headers()['cache-control']).toContain('no-store');
    expect(await response.json()).toMatchObject({
      ok: false,
      fieldErrors: { from: 'Use a date (YYYY-MM-DD) or an ISO time.', outcome: 'Use success, denied or failed.' },
    });

    const viewer = await sessionAs('viewer');
    const mark = await auditMark();
    const refused = await viewer.request.get('/api/audit/events?from=2026-02-30', same);
    expect(refused.status()).toBe(403);
    expect(await refused.text()).not.toContain('fieldErrors');
    expect(await auditEvents({ afterId: mark, actorId: viewer.user.id })).toMatchObject([
      { action: 'audit.list', outcome: 'denied', targetType: 'audit_event', detail: { permission: 'audit.read' } },
    ]);
  });

  test('answers the events the page shows for the same query, uncached', async ({ sessionAs }) => {
    const auditor = await sessionAs('auditor');
    const viewer = await sessionAs('viewer');
    // The viewer's refused fetch is an event of its own: the trail filtered to it.
    await viewer.request.get('/api/audit/events', { headers: { 'sec-fetch-site': 'same-origin' } });
    for (const role of ['auditor', 'admin'] as const) {
      const session = role === 'auditor' ? auditor : await sessionAs(role);
      const query = `actor=${encodeURIComponent(viewer.user.email)}&action=audit.list`;
      const response = await session.request.get(`/api/audit/events?${query}`, { headers: { 'sec-fetch-site': 'same-origin' } });
      expect(response.status(), role).toBe(200);
      expect(response.headers()['cache-control'], role).toContain('no-store');
      const body = (await response.json()) as { ok: true; page: { items: { id: string; action: string }[] }; links: { exportQuery: string } };
      expect(body.page.items.length, role).toBeGreaterThan(0);
      expect(new Set(body.page.items.map((e) => e.action)), role).toEqual(new Set(['audit.list']));
      expect(Object.fromEntries(new URLSearchParams(body.links.exportQuery)), role).toEqual({ actor: viewer.user.email, action: 'audit.list' });
      const html = await (await session.request.get(`/audit?${query}`)).text();
      // The newest ten: events the viewer causes meanwhile (other tests) only push older ones off the page.
      for (const event of body.page.items.slice(0, 10)) expect(html, `${role}: the page shows event ${event.id}`).toContain(`id="event-${event.id}-detail"`);
    }
  });
});
