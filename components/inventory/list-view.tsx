'use client';
// The inventory list's views: the first rendered by the page, every later one fetched from
// /api/inventory/rows (components/ui/fetched-view.tsx).
import { FetchedViewProvider, useFetchedView } from '@/components/ui/fetched-view';
import type { SecretListView } from '@/lib/data/secret-list-view';

const ROUTE = '/api/inventory/rows';

export function SecretListViewProvider(props: { initialSearch: string; initialView: SecretListView; children: React.ReactNode }) {
  return <FetchedViewProvider route={ROUTE} {...props} />;
}

export const useSecretListView = () => useFetchedView<SecretListView>(ROUTE);
