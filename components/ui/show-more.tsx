'use client';
// Under a long list shown in the browser a page at a time (an import or adoption preview):
// how many rows are shown, and a button that shows the next few pages' worth.
import { Button } from './button-style';

const fmt = (n: number) => n.toLocaleString('en-US');

export function ShowMore({ shown, total, step, onMore }: { shown: number; total: number; step: number; onMore: () => void }) {
  if (total <= shown) return null;
  return (
    <div className="flex items-center gap-3 text-sm text-slate-600">
      <span>
        Showing {fmt(shown)} of {fmt(total)}
      </span>
      <Button variant="secondary" onClick={onMore}>
        Show {fmt(Math.min(step, total - shown))} more
      </Button>
    </div>
  );
}
