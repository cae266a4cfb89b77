// /api/v1/secrets: the inventory, through the same lib/data/secrets.ts functions as the
// pages. PATCH is an edit of the fields sent: the rest are the secret's current ones, and
// `expectedUpdatedAt` (the `updatedAt` the client read) makes a concurrent edit a 409.
import 'server-only';
import { z } from 'zod';
import { createSecret, decommissionSecret, getSecret, listSecrets, updateSecret, type SecretDetail } from '@/lib/data/secrets';
import { ZAlternatingUsersConfig, ZGeneratedConfig, ZMysqlUserConfig, ZPostgresRoleConfig, ZProviderNativeConfig } from '@/lib/validation/rotation-config';
import { ZDecommission, ZSecretInput } from '@/lib/validation/secret';
import { ZSecretListQuery } from '@/lib/validation/secret-list';
import { endpoint } from '../endpoint';
import { ZRecordId, ZSecretDetail, ZSecretPage } from '../schemas';
import { apiPage, strictListQuery } from '../strict-query';

export const ZSecretId = z.object({ id: z.uuid() });

/** Strategy settings, flat beside the secret's fields as the edit form sends them. */
const ZRotationSettings = z
  .object({
    ...ZGeneratedConfig.shape,
    ...ZPostgresRoleConfig.shape,
    ...ZMysqlUserConfig.shape,
    ...ZAlternatingUsersConfig.shape,
    ...ZProviderNativeConfig.shape,
  })
  .partial()
  .describe(
    'Strategy settings: alphabet and length (generated); adminSecretId, role and sslmode (postgres_role); adminSecretId, user, accountHost and sslmode (mysql_user); engine (postgres or mysql), adminSecretId, userA, userB, accountHost (MySQL only), sslmode and retireMode (random_password or disable_login) (alternating_users); lambdaArn (provider_native)',
  );

const ZSecretBody = z.intersection(ZSecretInput, ZRotationSettings);

// Every field optional (.partial is not offered on a refined object); the refinements run when the merged edit is saved.
const { expectedUpdatedAt: _expected, ...secretFields } = ZSecretInput.shape;
const ZSecretPatch = z.intersection(
  z.object(Object.fromEntries(Object.entries(secretFields).map(([k, s]) => [k, (s as z.ZodType).optional()]))),
  ZRotationSettings.extend({ expectedUpdatedAt: z.iso.datetime().describe('The `updatedAt` you read: a mismatch means someone else saved since (409)') }),
);

/** A secret as the edit form would send it back unchanged. */
function inputOf(s: SecretDetail): Record<string, unknown> {
  return {
    name: s.name,
    description: s.description,
    environmentId: s.environmentId,
    ownerTeamId: s.ownerTeam.id,
    contactPerson: s.contactPerson,
    classification: s.classification,
    status: s.status,
    providerKind: s.providerKind,
    providerRef: s.providerRef,
    connectionId: s.connection?.id,
    lastRotatedAt: s.lastRotatedAt,
    rotationIntervalDays: s.rotationIntervalDays,
    rotationStrategy: s.rotationStrategy,
    graceHours: s.graceHours,
    reminderDays: s.reminderDays,
    autoRotate: s.autoRotate,
    stragglerPolicy: s.stragglerPolicy,
    tags: s.tags,
    expiresAt: s.expiresAt,
    consumerSystemIds: s.consumers.map((c) => c.id),
    ...s.rotationConfig,
  };
}

const bodyOf = (raw: unknown) => (raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {});

export const listSecretsEndpoint = endpoint({
  method: 'GET',
  path: '/secrets',
  operationId: 'listSecrets',
  tag: 'Secrets',
  summary: 'List secrets',
  description: "The inventory list with the inventory page's filters, one keyset page at a time (`cursor` from the previous page's `next`).",
  permission: 'secrets.read',
  query: strictListQuery(ZSecretListQuery.shape),
  success: { status: 200, schema: ZSecretPage },
  handle: async ({ caller, query: { cursor, ...filters } }) => apiPage(await listSecrets(caller, ZSecretListQuery.parse({ ...filters, after: cursor }))),
});

export const createSecretEndpoint = endpoint({
  method: 'POST',
  path: '/secrets',
  operationId: 'createSecret',
  tag: 'Secrets',
  summary: 'Create a secret',
  description: 'Adds a secret to the inventory (its metadata: a value is written with POST /secrets/{id}/value).',
  permission: 'secrets.write',
  body: ZSecretBody,
  success: { status: 201, schema: ZRecordId },
  handle: ({ caller, rawBody }) => createSecret(caller, bodyOf(rawBody)),
});

export const getSecretEndpoint = endpoint({
  method: 'GET',
  path: '/secrets/{id}',
  operationId: 'getSecret',
  tag: 'Secrets',
  summary: 'Get a secret',
  permission: 'secrets.read',
  params: ZSecretId,
  success: { status: 200, schema: ZSecretDetail },
  handle: ({ caller, params }) => getSecret(caller, params.id),
});

export const updateSecretEndpoint = endpoint({
  method: 'PATCH',
  path: '/secrets/{id}',
  operationId: 'updateSecret',
  tag: 'Secrets',
  summary: 'Update a secret',
  description: 'Changes the fields sent; the others keep their current values. Needs `expectedUpdatedAt`.',
  permission: 'secrets.write',
  params: ZSecretId,
  body: ZSecretPatch,
  success: { status: 200, schema: ZSecretDetail },
  handle: async ({ caller, params, rawBody }) => {
    const current = await getSecret(caller, params.id);
    await updateSecret(caller, params.id, { ...inputOf(current), ...bodyOf(rawBody) });
    return getSecret(caller, params.id);
  },
});

export const decommissionSecretEndpoint = endpoint({
  method: 'POST',
  path: '/secrets/{id}/decommission',
  operationId: 'decommissionSecret',
  tag: 'Secrets',
  summary: 'Decommission a secret',
  permission: 'secrets.write',
  params: ZSecretId,
  body: ZDecommission,
  success: { status: 200, schema: ZRecordId },
  handle: ({ caller, params, body }) => decommissionSecret(caller, params.id, body),
});
