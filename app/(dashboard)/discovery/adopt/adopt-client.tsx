'use client';
// Bulk adoption: mapping rules → a preview of every secret of the view, resolved on the
// server → adopt all in one step. Changing a rule discards the preview, so what is adopted
// is always what was last shown (the server also checks that, by the preview's digest).
import Link from 'next/link';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { CLASSIFICATION_LABELS } from '@/components/inventory/labels';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { CodeField, SelectField, TextAreaField, TextField } from '@/components/ui/field';
import { Progress } from '@/components/ui/progress';
import { ShowMore } from '@/components/ui/show-more';
import { Table, TableHead, Td } from '@/components/ui/table';
import type { AdoptionPreview } from '@/lib/data/discovery-adopt';
import type { FieldErrors } from '@/lib/errors';
import { commitAdoptionAction, previewAdoptionAction } from '../actions';

type Option = { value: string; label: string };
type Stage = 'rules' | 'previewing' | 'preview' | 'adopting' | 'done';

const NETWORK_ERROR = 'The request did not reach the server. Check your connection and try again.';
const PAGE = 100;
const fmt = (n: number) => n.toLocaleString('en-US');

const PATTERN_HINT =
  'One per line: a name pattern (* any text, ? one character), =>, then team=, environment=, classification= or systems= (several systems joined by +).';

export function AdoptClient({
  filter,
  viewHref,
  total,
  teams,
  environments,
  classifications,
}: {
  filter: Record<string, string>;
  viewHref: string;
  total: number;
  teams: Option[];
  environments: Option[];
  classifications: Option[];
}) {
  const [stage, setStage] = useState<Stage>('rules');
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [preview, setPreview] = useState<AdoptionPreview | null>(null);
  const [adopted, setAdopted] = useState(0);
  const rules = useRef<Record<string, string>>({});
  const heading = useRef<HTMLHeadingElement>(null);
  const ids = { form: useId() };

  useEffect(() => {
    if (stage === 'preview' || stage === 'done') heading.current?.focus();
  }, [stage]);

  function rulesChanged() {
    if (stage === 'preview') setStage('rules');
    setPreview(null);
  }

  async function onPreview(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rules.current = Object.fromEntries([...new FormData(event.currentTarget)].map(([k, v]) => [k, String(v)]));
    setStage('previewing');
    setError(undefined);
    setFieldErrors({});
    try {
      const result = await previewAdoptionAction(filter, rules.current);
      if (result.ok) {
        setPreview(result.data);
        setStage('preview');
      } else {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
        setStage('rules');
      }
    } catch {
      setError(NETWORK_ERROR);
      setStage('rules');
    }
  }

  async function onAdopt() {
    if (!preview) return;
    setStage('adopting');
    setError(undefined);
    try {
      const result = await commitAdoptionAction(filter, rules.current, preview.digest);
      if (result.ok) {
        setAdopted(preview.summary.total);
        setStage('done');
      } else {
        setError(result.error);
        setStage('preview');
      }
    } catch {
      setError(NETWORK_ERROR);
      setStage('preview');
    }
  }

  if (stage === 'done') {
    return (
      <Card>
        <h2 ref={heading} tabIndex={-1} className="text-base font-semibold text-slate-900 focus:outline-none">
          {fmt(adopted)} {adopted === 1 ? 'secret is' : 'secrets are'} in the inventory now
        </h2>
        <p className="mt-2 text-sm text-slate-700">Each has its owner team, environment and classification, and an audit event that says it was adopted.</p>
        <div className="mt-4 flex flex-wrap gap-3">
          <Link href="/inventory" className="font-medium text-accent-700 hover:underline">
            Open the inventory
          </Link>
          <Link href="/discovery" className="font-medium text-accent-700 hover:underline">
            Back to Discovery
          </Link>
        </div>
      </Card>
    );
  }

  const busy = stage === 'previewing' || stage === 'adopting';
  return (
    <div className="space-y-6">
      <Card title="1. Map the cloud secrets">
        <form id={ids.form} onSubmit={onPreview} onChange={rulesChanged} className="space-y-5" noValidate>
          <p className="text-sm text-slate-700">
            For each field, a matching name pattern wins, then the tag or label you name, then the fallback. The inventory name is the cloud secret&apos;s name.
          </p>
          <div className="grid gap-4 md:grid-cols-2">
            <CodeField
              label="Owner team from tag or label"
              name="teamLabel"
              defaultValue="owner"
              errors={fieldErrors.teamLabel}
              hint="Its value names a team."
            />
            <SelectField label="Owner team fallback" name="teamFallback" options={teams} placeholder="No fallback" errors={fieldErrors.teamFallback} />
            <CodeField label="Environment from tag or label" name="environmentLabel" defaultValue="environment" errors={fieldErrors.environmentLabel} />
            <SelectField
              label="Environment fallback"
              name="environmentFallback"
              options={environments}
              placeholder="No fallback"
              errors={fieldErrors.environmentFallback}
            />
            <CodeField
              label="Classification from tag or label"
              name="classificationLabel"
              defaultValue="classification"
              errors={fieldErrors.classificationLabel}
            />
            <SelectField
              label="Classification fallback"
              name="classificationFallback"
              options={classifications}
              placeholder="No fallback"
              errors={fieldErrors.classificationFallback}
            />
            <CodeField
              label="Consuming systems from tag or label"
              name="systemsLabel"
              errors={fieldErrors.systemsLabel}
              hint="System names separated by + , or ;"
            />
            <TextField
              label="Rotation interval (days)"
              name="rotationIntervalDays"
              inputMode="numeric"
              errors={fieldErrors.rotationIntervalDays}
              hint="Optional: the policy every adopted secret gets."
            />
          </div>
          <TextAreaField
            label="Name patterns"
            name="namePatterns"
            rows={4}
            spellCheck={false}
            className="font-mono"
            placeholder={'prod/payments/* => team=Payments, environment=production\n*-signing-key => classification=critical'}
            hint={PATTERN_HINT}
            errors={fieldErrors.namePatterns}
          />
          {stage !== 'preview' && error && <Alert>{error}</Alert>}
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={busy}>
              {stage === 'previewing' ? 'Preparing the preview…' : `Preview ${total === 1 ? 'the secret' : `all ${fmt(total)} secrets`}`}
            </Button>
            <Link href={viewHref} className="text-sm font-medium text-accent-700 hover:underline">
              Back to the view
            </Link>
          </div>
          {stage === 'previewing' && <Progress label={`Mapping ${fmt(total)} cloud secrets…`} />}
        </form>
      </Card>

      {preview && (stage === 'preview' || stage === 'adopting') && (
        <PreviewSection preview={preview} headingRef={heading} adopting={stage === 'adopting'} error={error} onAdopt={onAdopt} />
      )}
    </div>
  );
}

function PreviewSection({
  preview,
  headingRef,
  adopting,
  error,
  onAdopt,
}: {
  preview: AdoptionPreview;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  adopting: boolean;
  error?: string;
  onAdopt: () => void;
}) {
  const { summary } = preview;
  const [onlyErrors, setOnlyErrors] = useState(summary.invalid > 0);
  const [shown, setShown] = useState(PAGE);
  const rows = useMemo(() => (onlyErrors ? preview.rows.filter((r) => r.errors.length) : preview.rows), [onlyErrors, preview.rows]);
  return (
    <section aria-labelledby="adopt-preview" className="space-y-4">
      <Card>
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="adopt-preview" ref={headingRef} tabIndex={-1} className="text-base font-semibold text-slate-900 focus:outline-none">
            2. Check the preview
          </h2>
          <p className="flex flex-wrap gap-2 text-sm">
            <Badge>{fmt(summary.total)} secrets</Badge>
            <Badge tone="green">{fmt(summary.valid)} ready</Badge>
            <Badge tone={summary.invalid ? 'red' : 'neutral'}>{fmt(summary.invalid)} with errors</Badge>
          </p>
        </div>
        <div className="mt-4">
          {summary.invalid ? (
            <Alert>
              {summary.invalid === 1 ? '1 secret has' : `${fmt(summary.invalid)} secrets have`} errors. Change the rules (or narrow the view) and preview again:
              nothing is adopted until every secret maps cleanly.
            </Alert>
          ) : (
            <Alert tone="success">Every secret maps to an owner team, an environment and a classification.</Alert>
          )}
        </div>
      </Card>

      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input
          type="checkbox"
          checked={onlyErrors}
          onChange={(e) => {
            setOnlyErrors(e.target.checked);
            setShown(PAGE);
          }}
          className="h-4 w-4 rounded border-slate-300"
        />
        Show only secrets with errors
      </label>

      <Table caption="Each cloud secret and the inventory entry it becomes">
        <TableHead
          headings={[{ label: 'Cloud secret', className: 'min-w-[14rem]' }, 'Owner team', 'Environment', 'Classification', 'Consuming systems', 'Result']}
        />
        <tbody className="divide-y divide-slate-100">
          {rows.slice(0, shown).map((r) => (
            <tr key={r.id} className={r.errors.length ? 'bg-red-50/60' : 'hover:bg-slate-50'}>
              <Td className={cn('max-w-sm font-medium break-words', r.errors.length > 0 && 'border-l-4 border-red-600')}>
                {r.providerKey}
                <span className="block text-xs font-normal text-slate-500">
                  {r.connection}
                  {r.rotation === 'provider_native' ? ' · provider rotation' : ''}
                </span>
              </Td>
              <Resolved value={r.team} from={r.teamFrom} />
              <Resolved value={r.environment} from={r.environmentFrom} />
              <Resolved value={r.classification && CLASSIFICATION_LABELS[r.classification]} from={r.classificationFrom} />
              <Td>{r.systems.length ? r.systems.join(', ') : <span className="text-slate-500">None</span>}</Td>
              <Td>
                {r.errors.length === 0 ? (
                  <Badge tone="green">Ready</Badge>
                ) : (
                  <ul className="space-y-1 text-red-800">
                    {r.errors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <ShowMore shown={shown} total={rows.length} step={PAGE * 5} onMore={() => setShown((n) => n + PAGE * 5)} />

      <Card title="3. Adopt">
        <div className="space-y-4">
          {error && <Alert>{error}</Alert>}
          <div className="flex flex-wrap items-center gap-3">
            <Button onClick={onAdopt} disabled={summary.invalid > 0 || adopting}>
              {adopting ? 'Adopting…' : `Adopt ${fmt(summary.total)} ${summary.total === 1 ? 'secret' : 'secrets'}`}
            </Button>
            {!adopting && (
              <p className="text-sm text-slate-600">{summary.invalid ? 'Fix the errors first.' : 'Everything is written in one step: all secrets or none.'}</p>
            )}
          </div>
          {adopting && <Progress label={`Adopting ${fmt(summary.total)} secrets… keep this page open.`} />}
        </div>
      </Card>
    </section>
  );
}

function Resolved({ value, from }: { value: string | null; from: string | null }) {
  if (!value) return <Td className="text-slate-500">—</Td>;
  return (
    <Td>
      {value}
      {from && <span className="block text-xs text-slate-500">from {from}</span>}
    </Td>
  );
}
