// axe-core's scan of the page as it stands, held to WCAG 2.1 A and AA. Only serious and
// critical findings fail: those block someone from using the page (no name on a
// control, text too faint to read); minor and moderate ones are advice.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const WCAG_21_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_A_AA).analyze();
  // Rule, impact, selector and help only: never the node's HTML, which could carry
  // whatever a page shows.
  const found = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}) at ${node.target.join(' ')}: ${v.help}`));
  expect(found, `${label}: serious or critical WCAG 2.1 A/AA violations`).toEqual([]);
}
