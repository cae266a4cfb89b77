import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** An administrators-only settings page as another role sees it: no link in the main navigation, and the page says who may use it. */
export async function expectAdminOnlySettings(page: Page, settings: { link: string; path: string; notice: string }) {
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: settings.link })).toHaveCount(0);
  await page.goto(settings.path);
  await expect(page.getByText(settings.notice)).toBeVisible();
}
