// Pages a role may not open: the data layer refuses (ForbiddenError, already audited), and
// the page says so under its own title instead of failing as an error.
import 'server-only';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { ForbiddenError } from '@/lib/errors';

/** What `load` returns, or undefined when the data layer refuses the caller. */
export async function loadOrDenied<T>(load: Promise<T>): Promise<T | undefined> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
}

/** The page's title and why the caller cannot see more. */
export function DeniedPage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <>
      <PageHeader title={title} />
      <Alert>{children}</Alert>
    </>
  );
}
