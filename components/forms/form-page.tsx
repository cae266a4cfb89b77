// The page around a create or edit form: a link back, the header, and the form in a card;
// for a role that may not use the form, the reason instead. The form is only shown to
// those who may use it; its action checks again regardless.
import { BackLink } from '@/components/catalog/back-link';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';

export function FormPage({
  back,
  title,
  description,
  allowed,
  denied,
  children,
}: {
  back: { href: string; label: string };
  title: string;
  description?: React.ReactNode;
  allowed: boolean;
  /** Why this role sees no form; `info` for roles that read but do not write. */
  denied: { message: string; tone?: 'info' };
  children: React.ReactNode;
}) {
  return (
    <>
      <BackLink href={back.href}>{back.label}</BackLink>
      <PageHeader title={title} description={description} />
      {allowed ? <Card>{children}</Card> : <Alert tone={denied.tone}>{denied.message}</Alert>}
    </>
  );
}
