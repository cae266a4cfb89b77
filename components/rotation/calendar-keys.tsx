'use client';
// Arrow-key movement between the calendar's day links (the grid pattern's keys):
// left/right a day, up/down a week, Home/End the start/end of the week. Every day is
// an ordinary link too, so Tab and Enter work without this (and without JavaScript).
import { useRef } from 'react';

const STEP: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

export function CalendarKeys({ children }: { children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);

  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    const from = (event.target as HTMLElement).closest<HTMLElement>('[data-day]');
    if (!from || !ref.current) return;
    const day = from.dataset.day!;
    const date = new Date(`${day}T00:00:00Z`);
    let offset = STEP[event.key];
    if (event.key === 'Home') offset = -((date.getUTCDay() + 6) % 7);
    if (event.key === 'End') offset = 6 - ((date.getUTCDay() + 6) % 7);
    if (offset === undefined) return;
    event.preventDefault();
    const target = new Date(date.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    // Days outside this month are not in the grid: stay put at the edge.
    ref.current.querySelector<HTMLElement>(`[data-day="${target}"]`)?.focus();
  }

  return (
    <div ref={ref} onKeyDown={onKeyDown}>
      {children}
    </div>
  );
}
