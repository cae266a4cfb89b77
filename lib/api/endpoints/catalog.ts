// Environments, teams and systems through the API (lib/data/catalog.ts, teams.ts, systems.ts).
import 'server-only';
import { z } from 'zod';
import { listEnvironments } from '@/lib/data/catalog';
import { listTeams } from '@/lib/data/teams';
import { createSystem, getSystem, listSystems } from '@/lib/data/systems';
import { ZSystemInput, ZSystemListQuery, ZTeamListQuery } from '@/lib/validation/catalog';
import { endpoint } from '../endpoint';
import { ZEnvironmentList, ZRecordId, ZSystemDetail, ZSystemPage, ZTeamPage } from '../schemas';
import { apiPage, strictListQuery } from '../strict-query';

// The ids a secret's environmentId takes: environments are few and fixed by administrators.
export const listEnvironmentsEndpoint = endpoint({
  method: 'GET',
  path: '/environments',
  operationId: 'listEnvironments',
  tag: 'Teams and systems',
  summary: 'List environments (the ids secrets take as environmentId)',
  permission: 'secrets.read',
  success: { status: 200, schema: ZEnvironmentList },
  handle: async ({ caller }) => ({ items: await listEnvironments(caller) }),
});

export const listTeamsEndpoint = endpoint({
  method: 'GET',
  path: '/teams',
  operationId: 'listTeams',
  tag: 'Teams and systems',
  summary: 'List teams',
  permission: 'secrets.read',
  query: strictListQuery(ZTeamListQuery.shape),
  success: { status: 200, schema: ZTeamPage },
  handle: async ({ caller, query: { cursor, ...filters } }) => apiPage(await listTeams(caller, ZTeamListQuery.parse({ ...filters, after: cursor }))),
});

export const listSystemsEndpoint = endpoint({
  method: 'GET',
  path: '/systems',
  operationId: 'listSystems',
  tag: 'Teams and systems',
  summary: 'List systems',
  permission: 'secrets.read',
  query: strictListQuery(ZSystemListQuery.shape),
  success: { status: 200, schema: ZSystemPage },
  handle: async ({ caller, query: { cursor, ...filters } }) => apiPage(await listSystems(caller, ZSystemListQuery.parse({ ...filters, after: cursor }))),
});

export const createSystemEndpoint = endpoint({
  method: 'POST',
  path: '/systems',
  operationId: 'createSystem',
  tag: 'Teams and systems',
  summary: 'Create a system',
  permission: 'catalog.write',
  body: ZSystemInput.omit({ expectedUpdatedAt: true }),
  success: { status: 201, schema: ZRecordId },
  handle: ({ caller, rawBody }) => createSystem(caller, rawBody),
});

export const getSystemEndpoint = endpoint({
  method: 'GET',
  path: '/systems/{id}',
  operationId: 'getSystem',
  tag: 'Teams and systems',
  summary: 'Get a system',
  permission: 'secrets.read',
  params: z.object({ id: z.uuid() }),
  success: { status: 200, schema: ZSystemDetail },
  handle: ({ caller, params }) => getSystem(caller, params.id),
});
