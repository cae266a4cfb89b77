import Link from 'next/link';
import { Nav, type NavItem } from '@/components/layout/nav';
import { SignOutButton } from '@/components/layout/sign-out-button';
import { can, ROLE_LABELS, type Permission } from '@/lib/auth/permissions';
import { requireSignedIn } from '@/lib/auth/session';

// Pages show what a role may use; the data layer enforces it regardless.
// An item with several permissions shows for any of them.
const NAV: (NavItem & { permission: Permission | Permission[] })[] = [
  { href: '/', label: 'Overview', permission: 'secrets.read' },
  { href: '/inventory', label: 'Inventory', permission: 'secrets.read' },
  { href: '/rotation', label: 'Rotation', permission: 'secrets.read' },
  { href: '/posture', label: 'Posture', permission: 'secrets.read' },
  { href: '/orphans', label: 'Orphans', permission: 'secrets.read' },
  { href: '/discovery/drift', label: 'Drift', permission: 'secrets.read' },
  { href: '/systems', label: 'Systems', permission: 'secrets.read' },
  { href: '/teams', label: 'Teams', permission: 'secrets.read' },
  { href: '/inventory/import', label: 'Import CSV', permission: 'inventory.import' },
  { href: '/leaks', label: 'Leak check', permission: ['leak.scan', 'audit.read'] },
  { href: '/discovery', label: 'Discovery', permission: 'admin.providers' },
  { href: '/audit', label: 'Audit trail', permission: 'audit.read' },
  { href: '/settings/users', label: 'Users', permission: 'admin.users' },
  { href: '/settings/providers', label: 'Providers', permission: 'admin.providers' },
  { href: '/settings/database-hosts', label: 'Database hosts', permission: 'admin.providers' },
  { href: '/settings/policies', label: 'Policies', permission: 'admin.policies' },
  { href: '/settings/notifications', label: 'Notifications', permission: 'admin.notifications' },
  { href: '/settings/retention', label: 'Audit retention', permission: 'admin.retention' },
  { href: '/api-docs', label: 'REST API', permission: 'account.self' },
  { href: '/settings/audit-sinks', label: 'Audit streaming', permission: 'admin.audit_sinks' },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireSignedIn();
  const items = NAV.filter((item) => [item.permission].flat().some((p) => can(user.role, p)));
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="flex w-56 shrink-0 flex-col bg-slate-900 px-3 py-5">
        <div className="mb-6 px-3">
          <p className="text-sm font-semibold text-white">Secret inventory</p>
          <p className="text-xs text-slate-400">Owners, consumers, rotation</p>
        </div>
        <Nav items={items} />
        <div className="mt-auto space-y-2 border-t border-slate-700 px-3 pt-4">
          <p className="truncate text-sm text-white" title={user.email}>
            {user.name}
          </p>
          <p className="text-xs text-slate-400">{ROLE_LABELS[user.role]}</p>
          <Link href="/account" className="block text-xs font-medium text-slate-300 underline hover:text-white">
            Account security
          </Link>
          <SignOutButton />
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-8 py-8">
        {children}
      </main>
    </div>
  );
}
