// The REST API against its OpenAPI document, on real PostgreSQL through the real route
// files: every operation in the document is called, its request body validated against the
// document's request schema and its answer against the response schema for that status
// (ajv, JSON Schema 2020-12, as OpenAPI 3.1 uses); and every route file under app/api/v1 is
// in the document and every path of the document has its route file.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '@/lib/api/openapi';
import { createApiToken } from '@/lib/data/api-tokens';
import { providerKeyOf } from '@/lib/discovery/provider-key';
import { db } from '@/lib/db';
import type { ApiScope } from '@/lib/validation/api-tokens';
import { callApi, routeLoaders, type ApiCall, type ApiAnswer } from '../support/api-client';
import { callerAs, environmentId, joinOwningTeam, seedConnectedSecret, seedConnection, seedDiscoveryScan, seedTeam } from '../support/seed';
import { useTestDatabase } from '../support/test-database';

useTestDatabase();

type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

const doc = openApiDocument() as unknown as Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'doc', components: doc.components });

/** A schema of the document, with its #/components references resolved against it. */
function compile(schema: object) {
  const text = JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/');
  return ajv.compile(JSON.parse(text) as object);
}

const called = new Set<string>();

/** Calls the API and checks the request and the answer against the document. */
async function contractCall(call: ApiCall): Promise<ApiAnswer> {
  const answer = await callApi(call);
  const operation = doc.paths[answer.template]?.[call.method.toLowerCase()];
  expect(operation, `${call.method} ${answer.template} is in the document`).toBeDefined();
  if (call.body !== undefined && answer.status < 400) {
    const validate = compile(operation.requestBody!.content['application/json'].schema);
    expect(validate(call.body), JSON.stringify(validate.errors)).toBe(true);
  }
  const response = operation.responses[String(answer.status)];
  expect(response, `${call.method} ${answer.template} documents status ${answer.status}: ${answer.text.slice(0, 300)}`).toBeDefined();
  const type = answer.headers.get('content-type')!.split(';')[0];
  const content = response.content?.[type];
  expect(content, `${call.method} ${answer.template} ${answer.status} documents ${type}`).toBeDefined();
  if (type === 'application/json') {
    const validate = compile(content!.schema);
    expect(validate(answer.json), `${call.method} ${answer.template}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }
  expect(answer.headers.get('cache-control')).toContain('no-store');
  if (answer.status < 300) called.add(operation.operationId);
  return answer;
}

async function tokenFor(role: 'engineer' | 'auditor' | 'viewer' | 'admin', scopes: ApiScope[]) {
  const caller = await callerAs(role);
  const { token } = await createApiToken(caller, { name: 'contract', scopes, expiresInDays: 1 });
  return { caller, token };
}

let engineer: Awaited<ReturnType<typeof tokenFor>>;
let auditor: Awaited<ReturnType<typeof tokenFor>>;
let teamId: string;

beforeAll(async () => {
  engineer = await tokenFor('engineer', ['secrets:read', 'secrets:write', 'values:write', 'rotation:run']);
  auditor = await tokenFor('auditor', ['secrets:read', 'audit:read']);
  teamId = (await seedTeam()).id;
  await db.teamMember.create({ data: { teamId, userId: engineer.caller.user!.id } });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer scheme, and served publicly at /api/v1/openapi.json', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components).toMatchObject({ securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } });
    const { GET } = await import('@/app/api/v1/openapi.json/route');
    const response = GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('names every route file under app/api/v1, and every route file is in it with the same methods', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name));
        else if (entry.name === 'route.ts') files.push(dir);
      }
    };
    const root = path.resolve(__dirname, '../../app/api/v1');
    walk(root);
    const templates = files.map((dir) => dir.slice(root.length).replace(/\[(\w+)\]/g, '{$1}')).filter((t) => t !== '/openapi.json');
    expect(templates.sort()).toEqual(Object.keys(doc.paths).sort());
    expect(Object.keys(routeLoaders).sort()).toEqual([...templates, '/openapi.json'].sort());
    for (const template of templates) {
      const routeModule = await routeLoaders[template]();
      const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].filter((m) => m in routeModule);
      expect(methods.map((m) => m.toLowerCase()).sort(), template).toEqual(Object.keys(doc.paths[template]).sort());
    }
  });
});

describe('every operation, against the document', () => {
  let secretId: string;
  let connectedId: string;
  let systemId: string;

  it('secrets: create, list, get, update, decommission', async () => {
    const system = await contractCall({
      method: 'POST',
      path: '/systems',
      token: engineer.token,
      body: { name: `billing-${Date.now()}`, description: 'Billing', ownerTeamId: teamId, principals: ['arn:aws:iam::123456789012:role/billing'] },
    });
    expect(system.status).toBe(201);
    systemId = (system.json as { id: string }).id;
    const body = {
      name: `ci-token-${Date.now()}`,
      description: 'CI deploy token',
      environmentId: await environmentId('staging'),
      ownerTeamId: teamId,
      classification: 'important',
      providerKind: 'other',
      rotationIntervalDays: 30,
      autoRotate: false,
      tags: ['ci'],
      consumerSystemIds: [systemId],
    };
    const created = await contractCall({ method: 'POST', path: '/secrets', token: engineer.token, body });
    expect(created.status).toBe(201);
    secretId = (created.json as { id: string }).id;

    const list = await contractCall({ method: 'GET', path: `/secrets?owner=${teamId}&status=any&size=25`, token: engineer.token });
    expect((list.json as { items: { id: string }[] }).items.map((s) => s.id)).toEqual([secretId]);
    const one = await contractCall({ method: 'GET', path: `/secrets/${secretId}`, token: engineer.token });
    const { updatedAt } = one.json as { updatedAt: string };

    const patched = await contractCall({
      method: 'PATCH',
      path: `/secrets/${secretId}`,
      token: engineer.token,
      body: { description: 'Rotated by CI', expectedUpdatedAt: updatedAt },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ description: 'Rotated by CI', classification: 'important', tags: ['ci'], consumers: [{ id: systemId }] });
    // The same stale updatedAt again: someone (we) saved since.
    const stale = await contractCall({
      method: 'PATCH',
      path: `/secrets/${secretId}`,
      token: engineer.token,
      body: { description: 'x', expectedUpdatedAt: updatedAt },
    });
    expect(stale).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });

    const gone = await contractCall({ method: 'POST', path: `/secrets/${secretId}/decommission`, token: engineer.token, body: { reason: 'CI moved to OIDC' } });
    expect(gone.status).toBe(200);
    expect((await db.secret.findUniqueOrThrow({ where: { id: secretId } })).status).toBe('decommissioned');
  });

  it('values and rotation: write a value (metadata only), rotation status, rotate now, the buckets', async () => {
    const secret = await seedConnectedSecret((await seedConnection('local')).id);
    connectedId = secret.id;
    await joinOwningTeam(engineer.caller, secret.id);
    const value = `api-written-${Date.now()}-value`;
    const written = await contractCall({
      method: 'POST',
      path: `/secrets/${secret.id}/value`,
      token: engineer.token,
      body: { mode: 'enter', value, note: 'from CI' },
    });
    expect(written.status).toBe(201);
    expect(Object.keys(written.json as object).sort()).toEqual(['versionId', 'warning', 'writtenAt']);
    expect(written.text).not.toContain(value);

    const status = await contractCall({ method: 'GET', path: `/secrets/${secret.id}/rotation`, token: engineer.token });
    expect(status.json).toMatchObject({ policy: { strategy: 'manual' }, runs: [] });
    const started = await contractCall({ method: 'POST', path: `/secrets/${secret.id}/rotate`, token: engineer.token, body: { note: 'scheduled by CI' } });
    expect(started.status).toBe(201);
    const after = await contractCall({ method: 'GET', path: `/secrets/${secret.id}/rotation`, token: engineer.token });
    expect((after.json as { runs: { id: string; note: string }[] }).runs[0]).toMatchObject({
      id: (started.json as { runId: string }).runId,
      note: 'scheduled by CI',
    });
    const again = await contractCall({ method: 'POST', path: `/secrets/${secret.id}/rotate`, token: engineer.token, body: {} });
    expect(again).toMatchObject({ status: 400, json: { error: { code: 'invalid' } } });

    for (const tab of ['overdue', 'soon', 'never', 'in_progress', 'failed', 'in_grace']) {
      const bucket = await contractCall({ method: 'GET', path: `/rotations?tab=${tab}&days=30&size=25`, token: engineer.token });
      expect(bucket.status).toBe(200);
    }
    const { ownerTeamId } = await db.secret.findUniqueOrThrow({ where: { id: secret.id } });
    const inProgress = await contractCall({ method: 'GET', path: `/rotations?tab=in_progress&owner=${ownerTeamId}`, token: engineer.token });
    expect((inProgress.json as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([secret.id]);
  });

  it('environments, teams, systems, posture', async () => {
    const environments = await contractCall({ method: 'GET', path: '/environments', token: engineer.token });
    expect((environments.json as { items: { id: string; name: string }[] }).items).toContainEqual({ id: await environmentId('staging'), name: 'staging' });
    const teams = await contractCall({ method: 'GET', path: '/teams?size=100', token: engineer.token });
    expect((teams.json as { items: { id: string }[] }).items.map((t) => t.id)).toContain(teamId);
    const systems = await contractCall({ method: 'GET', path: `/systems?owner=${teamId}`, token: engineer.token });
    expect((systems.json as { items: { id: string }[] }).items.map((s) => s.id)).toEqual([systemId]);
    const system = await contractCall({ method: 'GET', path: `/systems/${systemId}`, token: engineer.token });
    expect(system.json).toMatchObject({ id: systemId, principals: ['arn:aws:iam::123456789012:role/billing'] });
    const posture = await contractCall({ method: 'GET', path: '/posture?range=90', token: engineer.token });
    expect(posture.status).toBe(200);
  });

  it('discovery: drift findings, with a malformed filter refused', async () => {
    // Inventoried a day ago on a cloud connection whose newest scan did not see it: missing at the provider.
    const connection = await seedConnection('aws', { region: 'eu-west-1' });
    const secret = await seedConnectedSecret(connection.id, { providerRef: 'production/contract-drift' });
    const yesterday = new Date(Date.now() - 86_400_000);
    await db.secret.update({ where: { id: secret.id }, data: { providerKey: providerKeyOf('aws', 'production/contract-drift'), createdAt: yesterday } });
    await seedDiscoveryScan(connection.id);
    const drift = await contractCall({ method: 'GET', path: `/discovery/drift?connection=${connection.id}&kind=provider_missing`, token: engineer.token });
    const report = drift.json as { items: { kind: string; secret: { id: string }; mayFix: boolean }[]; counts: Record<string, number>; next: string | null };
    expect(report.items).toEqual([expect.objectContaining({ kind: 'provider_missing', secret: expect.objectContaining({ id: secret.id }) })]);
    expect(report).toMatchObject({ counts: { provider_missing: 1 }, next: null });
    expect(JSON.stringify(report)).not.toContain('"seen"');
    const bad = await contractCall({ method: 'GET', path: '/discovery/drift?kind=sideways', token: engineer.token });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'invalid' } } });
  });

  it('audit: events (keyset pages) and the exports, streamed', async () => {
    const first = await contractCall({ method: 'GET', path: `/audit/events?targetId=${connectedId}`, token: auditor.token });
    const actions = (first.json as { items: { action: string }[] }).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['secret.value_write', 'rotation.start']));
    // More than a page of events: each refused call is audited as a denial.
    for (let i = 0; i < 51; i++) await callApi({ method: 'GET', path: '/audit/events', token: engineer.token });
    const page = await contractCall({ method: 'GET', path: '/audit/events', token: auditor.token });
    const { next } = page.json as { next: string | null };
    expect(next).not.toBeNull();
    const second = await contractCall({ method: 'GET', path: `/audit/events?cursor=${encodeURIComponent(next!)}`, token: auditor.token });
    expect((second.json as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const csv = await contractCall({ method: 'GET', path: `/exports/audit?targetId=${connectedId}`, token: auditor.token });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain('secret.value_write');
    const jsonl = await contractCall({ method: 'GET', path: '/exports/access?format=jsonl', token: auditor.token });
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  });

  it('refusals carry the documented error shape and code', async () => {
    const bad = await contractCall({ method: 'GET', path: '/secrets?classification=secret-ish', token: engineer.token });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'invalid', fieldErrors: { classification: expect.any(Array) } } } });
    expect(bad.text).not.toContain('secret-ish');
    const missing = await contractCall({ method: 'GET', path: '/secrets/00000000-0000-4000-8000-000000000000', token: engineer.token });
    expect(missing).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    const forbidden = await contractCall({ method: 'GET', path: '/audit/events', token: engineer.token });
    expect(forbidden).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    const anonymous = await contractCall({ method: 'GET', path: '/secrets', token: null });
    expect(anonymous).toMatchObject({ status: 401, json: { error: { code: 'unauthenticated' } } });
    const notJson = await contractCall({ method: 'POST', path: '/secrets', token: engineer.token, body: '{"name": ' });
    expect(notJson).toMatchObject({ status: 400, json: { error: { code: 'invalid' } } });
    const large = await contractCall({ method: 'POST', path: '/secrets', token: engineer.token, body: { description: 'x'.repeat(300 * 1024) } });
    expect(large).toMatchObject({ status: 413, json: { error: { code: 'too_large' } } });
  });

  afterAll(() => {
    const documented = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(documented.filter((id) => !called.has(id))).toEqual([]);
  });
});
