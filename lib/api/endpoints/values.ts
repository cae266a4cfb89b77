// POST /api/v1/secrets/{id}/value: the one endpoint that accepts a value, and it answers
// metadata only (the provider's version id and when). The value is taken out of the body
// before zod sees it (./endpoint.ts `rawField`) and handed to writeSecretValue, which wraps
// it at once; with an Idempotency-Key the write service's own idempotency token is derived
// from the key, so a retry after a lost answer never writes a second version.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { writeSecretValue } from '@/lib/data/secret-values';
import { MAX_VALUE_BYTES, ZValueWrite } from '@/lib/validation/secret-value';
import { endpoint } from '../endpoint';
import { idempotencyUuid } from '../idempotency';
import { ZValueWritten } from '../schemas';
import { ZSecretId } from './secrets';

const [enter, generate] = ZValueWrite.options;
const ZValueBody = z.discriminatedUnion('mode', [enter.omit({ idempotencyToken: true }), generate.omit({ idempotencyToken: true })]);

export const writeValueEndpoint = endpoint({
  method: 'POST',
  path: '/secrets/{id}/value',
  operationId: 'writeSecretValue',
  tag: 'Secrets',
  summary: 'Write a new value',
  description:
    "Writes a new current version at the secret's provider: the value sent (`mode: enter`) or one the server generates. Answers the version's metadata, never the value; no endpoint reads a value.",
  permission: 'secrets.value.write',
  params: ZSecretId,
  body: ZValueBody,
  rawField: { name: 'value', schema: z.string().min(1).max(MAX_VALUE_BYTES).describe('The new value (mode enter only); never stored, logged or answered') },
  success: { status: 201, schema: ZValueWritten },
  handle: ({ caller, params, body, rawValue, idempotency }) =>
    writeSecretValue(
      caller,
      params.id,
      { ...body, idempotencyToken: idempotency ? idempotencyUuid(idempotency.principal, idempotency.key) : randomUUID() },
      rawValue,
    ),
});
