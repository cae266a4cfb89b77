'use client';
// The secret form's Expiry section: a date typed by a person, or a certificate chain pasted
// or uploaded, whose earliest notAfter the server reads (the text is sent once and not
// kept). The file is read in the browser into the text box, so what is sent is what shows.
import { useState } from 'react';
import { FieldNotes, TextAreaField, TextField } from '@/components/ui/field';
import { FormSection } from '@/components/ui/form-section';
import { formatDateTime } from '@/components/format';
import { EXPIRY_SOURCE_LABELS } from './labels';
import { day, type FieldErrorsOf, type SecretFormValues } from './secret-form-values';

/** A certificate chain is at most this big (the server refuses more). */
const MAX_PEM_BYTES = 64 * 1024;

export function ExpirySection({ initial, e }: { initial?: SecretFormValues; e: FieldErrorsOf }) {
  const [pem, setPem] = useState('');
  const [fileProblem, setFileProblem] = useState<string>();

  async function readFile(event: React.ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > MAX_PEM_BYTES) {
      setFileProblem('This file is larger than 64 KB: a certificate chain is smaller. Choose the certificate file (.pem, .crt).');
      return;
    }
    setFileProblem(undefined);
    setPem(await file.text());
  }

  const saved = initial?.expiresAt
    ? `Saved: ${formatDateTime(initial.expiresAt)}${initial.expirySource ? ` (${EXPIRY_SOURCE_LABELS[initial.expirySource].toLowerCase()})` : ''}${
        initial.certificateSubject ? `, ${initial.certificateSubject}` : ''
      }.`
    : null;

  return (
    <FormSection
      title="Expiry"
      description="For credentials that stop working on a date whatever the rotation policy says: API keys issued with an expiry, certificates, OAuth client secrets. The secret falls due its reminder lead before that date."
    >
      <TextField
        label="Expires on"
        name="expiresAt"
        type="date"
        defaultValue={day(initial?.expiresAt ?? null)}
        hint={[saved, 'Empty: it does not expire. A certificate below sets it.'].filter(Boolean).join(' ')}
        errors={e('expiresAt')}
      />
      <div className="sm:col-span-2 space-y-2">
        <TextAreaField
          label="Certificate (PEM)"
          name="certificate"
          rows={5}
          value={pem}
          onChange={(event) => setPem(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          className="font-mono text-xs"
          placeholder="-----BEGIN CERTIFICATE-----"
          hint="Optional: paste the certificate or its chain (never the private key). The expiry becomes its earliest end date; the text itself is not stored."
          errors={e('certificate')}
        />
        <div>
          <label htmlFor="field-certificate-file" className="text-sm font-medium text-slate-800">
            Or upload a certificate file
          </label>
          <input
            id="field-certificate-file"
            type="file"
            accept=".pem,.crt,.cer,application/x-pem-file"
            onChange={readFile}
            aria-describedby={fileProblem ? 'field-certificate-file-error' : undefined}
            className="mt-1 block text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-200"
          />
          <FieldNotes id="field-certificate-file" errors={fileProblem ? [fileProblem] : undefined} />
        </div>
      </div>
    </FormSection>
  );
}
