// Routing rules: which channels hear about an event. A channel may name teams,
// environments and classifications; it then receives only events about secrets that
// match every list it set (an empty list matches all). So a team lead's channel routed to
// one team gets that team's due, overdue and other notices, not the whole company's.
//
// Events about no one secret (a discovery scan's new unmanaged secrets, which belong to a
// provider connection, not to a team) go only to channels without any routing rule: a
// routed channel asked for particular secrets, and these are none of them.
import type { Prisma } from '@/generated/prisma/client';
import type { Classification } from '@/generated/prisma/enums';

/** What routing looks at: the secret's owner team, environment and classification. */
export type RoutedSubject = { ownerTeamId: string; environmentId: string; classification: Classification };

/** A where-clause for the channels whose routing accepts an event about `subject` (null: about no secret). */
export function routedTo(subject: RoutedSubject | null): Prisma.NotificationChannelWhereInput {
  if (!subject) return { teamIds: { isEmpty: true }, environmentIds: { isEmpty: true }, classifications: { isEmpty: true } };
  return {
    AND: [
      { OR: [{ teamIds: { isEmpty: true } }, { teamIds: { has: subject.ownerTeamId } }] },
      { OR: [{ environmentIds: { isEmpty: true } }, { environmentIds: { has: subject.environmentId } }] },
      { OR: [{ classifications: { isEmpty: true } }, { classifications: { has: subject.classification } }] },
    ],
  };
}
