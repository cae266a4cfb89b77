// The OpenAPI document's operations as the API page shows them, grouped by tag in the
// document's order.
import type { OperationView } from './operation-card';
import type { JsonSchema } from './schema-text';

type Operation = {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  'x-scopes'?: string[];
  parameters?: OperationView['parameters'];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};

export type ApiDocument = { tags: { name: string }[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, JsonSchema> } };

export function operationGroups(doc: ApiDocument): { tag: string; operations: OperationView[] }[] {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const [status, ok] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      const json = ok.content?.['application/json'];
      return {
        tag: op.tags[0],
        view: {
          method: method.toUpperCase(),
          path,
          operationId: op.operationId,
          summary: op.summary,
          // The scope line is shown as badges.
          description: (op.description ?? '').replace(/\n*Token scope: .*$/, ''),
          scopes: op['x-scopes'] ?? [],
          parameters: op.parameters ?? [],
          requestBody: op.requestBody?.content['application/json']?.schema ?? null,
          success: { status, contentTypes: Object.keys(ok.content ?? {}), schema: json?.schema ?? null },
          errorStatuses: Object.keys(op.responses).filter((s) => !s.startsWith('2')),
        } satisfies OperationView,
      };
    }),
  );
  return doc.tags.map(({ name }) => ({ tag: name, operations: operations.filter((o) => o.tag === name).map((o) => o.view) }));
}
