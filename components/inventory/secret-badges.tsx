import type { Classification, SecretStatus } from '@/generated/prisma/enums';
import { Badge } from '@/components/ui/badge';
import { CLASSIFICATION_LABELS, CLASSIFICATION_TONES, STATUS_LABELS, STATUS_TONES } from './labels';

export function ClassificationBadge({ value }: { value: Classification }) {
  return <Badge tone={CLASSIFICATION_TONES[value]}>{CLASSIFICATION_LABELS[value]}</Badge>;
}

export function StatusBadge({ value }: { value: SecretStatus }) {
  return <Badge tone={STATUS_TONES[value]}>{STATUS_LABELS[value]}</Badge>;
}
