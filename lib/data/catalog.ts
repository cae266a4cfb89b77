// Reference data that forms and filters pick from: environments, teams, systems.
// Small option lists (id + name) for selects; the Teams and Systems pages have their
// own paged listings in teams.ts and systems.ts.
import 'server-only';
import { authorize } from '@/lib/auth/authorize';
import type { Caller } from '@/lib/auth/caller';
import { db } from '@/lib/db';

export type Option = { id: string; name: string };

export async function listEnvironments(caller: Caller): Promise<Option[]> {
  await authorize(caller, 'secrets.read', { action: 'environment.list', targetType: 'environment' });
  return db.environment.findMany({ select: { id: true, name: true }, orderBy: [{ position: 'asc' }, { name: 'asc' }] });
}

/** All teams by name. Teams number in the hundreds, so one list serves a select. */
export async function listTeamOptions(caller: Caller): Promise<Option[]> {
  await authorize(caller, 'secrets.read', { action: 'team.list', targetType: 'team' });
  return db.team.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } });
}

/** Systems whose name contains `search` (case-insensitive), first `limit` by name. */
export async function searchSystemOptions(caller: Caller, search: string, limit = 20): Promise<(Option & { status: string })[]> {
  await authorize(caller, 'secrets.read', { action: 'system.list', targetType: 'system' });
  return db.system.findMany({
    where: search.trim() ? { name: { contains: search.trim(), mode: 'insensitive' } } : {},
    select: { id: true, name: true, status: true },
    orderBy: { name: 'asc' },
    take: Math.min(Math.max(limit, 1), 50),
  });
}

export async function systemOptionsByIds(caller: Caller, ids: string[]): Promise<Option[]> {
  await authorize(caller, 'secrets.read', { action: 'system.list', targetType: 'system' });
  return db.system.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
}
