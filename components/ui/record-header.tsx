// The top of a record's page (a team, a system, a provider connection, a notification
// channel): the way back to its list, its name, what kind of record it is and its actions.
import { BackLink } from '@/components/catalog/back-link';
import { PageHeader } from './page-header';

export function RecordHeader({
  back,
  title,
  actions,
  children,
}: {
  back: { href: string; label: string };
  title: string;
  actions?: React.ReactNode;
  /** What kind of record, with its badges, under the name. */
  children?: React.ReactNode;
}) {
  return (
    <>
      <BackLink href={back.href}>{back.label}</BackLink>
      <PageHeader title={title} description={children && <span className="inline-flex flex-wrap items-center gap-2">{children}</span>} actions={actions} />
    </>
  );
}
