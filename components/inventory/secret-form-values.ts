// What the secret form edits (metadata only, never a value) and what it chooses from.
import type { Classification, ConnectionKind, ExpirySource, ProviderKind, RotationStrategy, SecretStatus, StragglerPolicy } from '@/generated/prisma/enums';
import type { SystemOption } from './system-combobox';

export type SecretFormValues = {
  name: string;
  description: string;
  environmentId: string;
  ownerTeamId: string;
  contactPerson: string | null;
  classification: Classification;
  status: SecretStatus;
  providerKind: ProviderKind;
  providerRef: string;
  connectionId: string | null;
  lastRotatedAt: string | null;
  rotationIntervalDays: number | null;
  rotationStrategy: RotationStrategy;
  graceHours: number | null;
  reminderDays: number | null;
  autoRotate: boolean;
  stragglerPolicy: StragglerPolicy;
  rotationConfig: Record<string, string | number | null> | null;
  tags: string[];
  /** When the credential expires, where that came from, and a certificate's leaf subject. */
  expiresAt: string | null;
  expirySource: ExpirySource | null;
  certificateSubject: string | null;
  consumers: SystemOption[];
  updatedAt: string;
};

export type Option = { id: string; name: string };
export type ConnectionOption = { id: string; name: string; kind: ConnectionKind };

/** A field's messages from the last save, by field name. */
export type FieldErrorsOf = (field: string) => string[] | undefined;

/** The date part of a stored timestamp, as a date input shows it. */
export const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

// Option lists from the label maps (typed by the enums), not from lib/validation: that
// module builds zod schemas on import, and zod probes `new Function` in the browser,
// which the Content-Security-Policy reports as a violation.
export const optionsOf = <K extends string>(labels: Record<K, string>) => (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));

export const namedOptions = (items: Option[]) => items.map((o) => ({ value: o.id, label: o.name }));
