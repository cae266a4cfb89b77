// One operation of the REST API's OpenAPI document: method and path, what it does, the token
// scope it needs, its parameters, its request body's fields and its answers.
import { Badge, type Tone } from '@/components/ui/badge';
import { Table, TableHead, Td, Tr } from '@/components/ui/table';
import { fieldRows, type FieldRow, type JsonSchema } from './schema-text';

export type OperationView = {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  scopes: string[];
  parameters: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody: JsonSchema | null;
  success: { status: string; contentTypes: string[]; schema: JsonSchema | null };
  errorStatuses: string[];
};

/** Text from the document, with its `backticked` names set as code. */
function DocText({ text }: { text: string }) {
  return text.split(/`([^`]+)`/).map((part, i) =>
    i % 2 ? (
      <code key={i} className="font-mono text-[0.95em]">
        {part}
      </code>
    ) : (
      part
    ),
  );
}

const METHOD_TONES: Record<string, Tone> = { GET: 'blue', POST: 'green', PATCH: 'amber' };

function Fields({ rows, caption }: { rows: FieldRow[]; caption: string }) {
  return (
    <Table caption={caption}>
      <TableHead headings={['Name', 'Type', 'Required', 'Description']} />
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <Tr key={row.name}>
            <Td className="font-mono text-xs">{row.name}</Td>
            <Td className="text-xs">{row.type}</Td>
            <Td className="text-xs">{row.required ? 'Yes' : 'No'}</Td>
            <Td className="text-xs text-slate-600">
              <DocText text={row.description} />
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

function Schema({ schema, label }: { schema: JsonSchema; label: string }) {
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-xs font-medium text-accent-800 underline">{label}</summary>
      <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-50 p-3 text-xs text-slate-800 ring-1 ring-slate-200" tabIndex={0}>
        {JSON.stringify(schema, null, 2)}
      </pre>
    </details>
  );
}

export function OperationCard({ op }: { op: OperationView }) {
  const title = `${op.method} ${op.path}`;
  const params = op.parameters.map((p) => ({
    name: p.name,
    type: `${p.in}: ${fieldRows({ properties: { x: p.schema } })[0].type}`,
    required: p.required,
    description: [p.description, fieldRows({ properties: { x: p.schema } })[0].description].filter(Boolean).join('; '),
  }));
  const bodyRows = fieldRows(op.requestBody ?? undefined);
  const answerRows = fieldRows(op.success.schema ?? undefined);
  return (
    <section id={op.operationId} aria-labelledby={`${op.operationId}-title`} className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-5 py-3">
        <Badge tone={METHOD_TONES[op.method] ?? 'neutral'} className="font-mono">
          {op.method}
        </Badge>
        <h3 id={`${op.operationId}-title`} className="font-mono text-sm font-semibold text-slate-900">
          <span className="sr-only">{op.method} </span>
          {op.path}
        </h3>
        <span className="text-sm text-slate-600">{op.summary}</span>
      </header>
      <div className="space-y-4 p-5 text-sm text-slate-700">
        {op.description && (
          <p className="whitespace-pre-line">
            <DocText text={op.description} />
          </p>
        )}
        <p className="flex flex-wrap items-center gap-2 text-xs">
          <span className="font-medium text-slate-700">Token scope:</span>
          {op.scopes.map((scope) => (
            <Badge key={scope} tone="violet" className="font-mono">
              {scope}
            </Badge>
          ))}
        </p>
        {params.length > 0 && (
          <div>
            <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600">Parameters</h4>
            <Fields rows={params} caption={`Parameters of ${title}`} />
          </div>
        )}
        {op.requestBody && (
          <div>
            <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600">Request body (JSON)</h4>
            {bodyRows.length > 0 ? <Fields rows={bodyRows} caption={`Request body of ${title}`} /> : <p className="text-xs">Empty, or {'{}'}.</p>}
            <Schema schema={op.requestBody} label={`Request schema of ${title}`} />
          </div>
        )}
        <div>
          <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
            Answer: {op.success.status} <span className="font-normal normal-case">({op.success.contentTypes.join(' or ')})</span>
          </h4>
          {answerRows.length > 0 && <Fields rows={answerRows} caption={`Answer of ${title}`} />}
          {op.success.schema && <Schema schema={op.success.schema} label={`Answer schema of ${title}`} />}
          <p className="mt-2 text-xs text-slate-600">Errors: {op.errorStatuses.join(', ')}, each with the error body below.</p>
        </div>
      </div>
    </section>
  );
}
