// The REST API's reference, rendered from the same OpenAPI document /api/v1/openapi.json
// serves (generated from the endpoints' zod schemas), for every signed-in role.
import type { Metadata } from 'next';
import Link from 'next/link';
import { OperationCard } from '@/components/api-docs/operation-card';
import { operationGroups, type ApiDocument } from '@/components/api-docs/operation-views';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { API_ERROR_STATUS } from '@/lib/api/errors';
import { API_BASE_PATH, openApiDocument } from '@/lib/api/openapi';
import { requireSignedIn } from '@/lib/auth/session';
import { publicBaseUrl } from '@/lib/public-url';

export const metadata: Metadata = { title: 'REST API' };

const slug = (tag: string) => `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

export default async function ApiDocsPage() {
  await requireSignedIn();
  const doc = openApiDocument() as unknown as ApiDocument;
  const groups = operationGroups(doc);
  const base = `${await publicBaseUrl()}${API_BASE_PATH}`;
  return (
    <>
      <PageHeader
        title="REST API"
        description="The inventory, rotation, audit and posture for scripts, CI and Terraform. Every call acts as a token's user, narrowed to the token's scopes."
      />
      <div className="grid max-w-5xl gap-6">
        <Card title="Getting started">
          <div className="space-y-3 text-sm text-slate-700">
            <p>
              Create an access token under{' '}
              <Link href="/account" className="font-medium text-accent-800 underline">
                Account security
              </Link>{' '}
              (a personal token acts as you), or a service token on a team&apos;s page (administrators: it acts for that team, with a role of its own, for CI
              and Terraform). Send it with every request; a browser session never authenticates an API call.
            </p>
            <pre className="overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800 ring-1 ring-slate-200" tabIndex={0}>
              {`curl -H "Authorization: Bearer sid_..." "${base}/secrets?due=overdue&size=100"`}
            </pre>
            <ul className="list-disc space-y-1 pl-5">
              <li>
                Lists come in keyset pages: pass an answer&apos;s <code className="font-mono">next</code> as <code className="font-mono">cursor</code> until it
                is null.
              </li>
              <li>
                Send an <code className="font-mono">Idempotency-Key</code> header with a POST to retry it safely: for 24 hours the same key and request get the
                first answer again (<code className="font-mono">Idempotent-Replayed: true</code>).
              </li>
              <li>No endpoint returns a secret value; only writing a value accepts one, and it answers the new version&apos;s metadata.</li>
              <li>
                The machine-readable document (OpenAPI 3.1):{' '}
                <a href={`${API_BASE_PATH}/openapi.json`} className="font-mono font-medium text-accent-800 underline">
                  {API_BASE_PATH}/openapi.json
                </a>
              </li>
            </ul>
          </div>
        </Card>
        <nav aria-label="API sections" className="flex flex-wrap gap-3 text-sm">
          {groups.map((g) => (
            <a key={g.tag} href={`#${slug(g.tag)}`} className="font-medium text-accent-800 underline">
              {g.tag}
            </a>
          ))}
          <a href="#errors" className="font-medium text-accent-800 underline">
            Errors
          </a>
        </nav>
        {groups.map((g) => (
          <section key={g.tag} aria-labelledby={slug(g.tag)} className="space-y-4">
            <h2 id={slug(g.tag)} className="text-lg font-semibold text-slate-900">
              {g.tag}
            </h2>
            {g.operations.map((op) => (
              <OperationCard key={op.operationId} op={op} />
            ))}
          </section>
        ))}
        <section aria-labelledby="errors" className="space-y-3">
          <h2 id="errors" className="text-lg font-semibold text-slate-900">
            Errors
          </h2>
          <Card>
            <div className="space-y-3 text-sm text-slate-700">
              <p>
                Every refusal is JSON <code className="font-mono">{'{"error": {"code", "message", "fieldErrors"?}}'}</code> with a stable{' '}
                <code className="font-mono">code</code>; a message never repeats what was sent.
              </p>
              <ul className="grid gap-1 sm:grid-cols-3">
                {Object.entries(API_ERROR_STATUS).map(([code, status]) => (
                  <li key={code} className="text-xs">
                    <span className="font-mono">{status}</span> <code className="font-mono">{code}</code>
                  </li>
                ))}
              </ul>
            </div>
          </Card>
        </section>
      </div>
    </>
  );
}
