import { describe, expect, it } from 'vitest';
import { HISTORY_ACTION_LABELS, historyActionLabel } from './action-labels';
import { AUDIT_ACTIONS } from './actions';

// The areas whose events name one secret as their target (targetType 'secret' with its
// id), less the list views of those areas, which name no single secret.
const SECRET_AREAS = ['secret', 'rotation', 'approval', 'incident'];
const LIST_VIEWS = ['secret.list', 'rotation.list', 'rotation.calendar', 'rotation.health'];

describe('secret history action labels', () => {
  it('labels every action that can appear in a secret history', () => {
    const shown = AUDIT_ACTIONS.filter((a) => SECRET_AREAS.includes(a.split('.')[0]) && !LIST_VIEWS.includes(a));
    expect(shown.filter((a) => !(a in HISTORY_ACTION_LABELS))).toEqual([]);
    // Labels read as words, never as the raw action name.
    for (const action of shown) expect(historyActionLabel(action)).toMatch(/^[A-Z][a-z]/);
  });

  it('says when a rotation step was taken over after its holder died mid-step', () => {
    expect(historyActionLabel('rotation.promoted', { runId: 'r', recovered: true, recoveredFrom: 'worker' })).toBe(
      'Rotation: new value promoted (resumed after an interrupted step)',
    );
    expect(historyActionLabel('rotation.promoted', { runId: 'r' })).toBe('Rotation: new value promoted');
    expect(historyActionLabel('rotation.promoted', { recovered: 'true' })).toBe('Rotation: new value promoted');
  });

  it('shows an unknown action as stored', () => {
    expect(historyActionLabel('secret.something_new')).toBe('secret.something_new');
  });
});
