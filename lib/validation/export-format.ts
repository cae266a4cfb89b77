// The `format` of an auditor export download (csv unless given). Anything else is refused
// by name rather than answered as CSV: the auditor gets the file they asked for, or a reason.
import { InputError } from '@/lib/errors';
import { EXPORT_FORMATS, type ExportFormat } from '@/lib/export/source';

export function parseExportFormat(value: string | undefined): ExportFormat {
  if (value === undefined || value.trim() === '') return 'csv';
  const format = EXPORT_FORMATS.find((f) => f === value.trim());
  if (format) return format;
  const message = `Use ${EXPORT_FORMATS.join(' or ')}.`;
  throw new InputError(`Check the export format. format: ${message}`, { format: [message] });
}
