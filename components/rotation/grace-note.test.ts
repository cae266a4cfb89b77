import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { GraceNote } from './grace-note';

const text = (previousVersionId: string | null) =>
  renderToStaticMarkup(createElement(GraceNote, { run: { previousVersionId, graceEndsAt: '2026-12-07T10:00:00.000Z' } })).replace(/<[^>]+>/g, '');

describe('the grace period note of a promoted rotation', () => {
  it('says the previous version stays valid until the grace period ends', () => {
    expect(text('1')).toContain('The previous one stays valid until 2026-12-07 10:00:00 UTC, then it is retired.');
  });

  it('says there is no previous version on a first rotation', () => {
    const note = text(null);
    expect(note).not.toContain('previous one stays valid');
    expect(note).toContain('no earlier one stays valid beside it');
    expect(note).toContain('The grace period ends 2026-12-07 10:00:00 UTC.');
  });

  it('says the retirement waits for the consumers when adoption is checked', () => {
    const note = renderToStaticMarkup(
      createElement(GraceNote, { run: { previousVersionId: '1', graceEndsAt: '2026-12-07T10:00:00.000Z' }, adoption: true }),
    ).replace(/<[^>]+>/g, '');
    expect(note).toContain(
      'stays valid until the consumers below have moved to the new one, then it is retired; the grace period ends 2026-12-07 10:00:00 UTC.',
    );
  });
});
