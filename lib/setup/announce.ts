// Printed once at server start while no account exists (like Jenkins' initial admin
// password): where to go and the one-time token to enter there. The token never goes
// into a URL.
import 'server-only';
import { issueSetupToken } from '@/lib/data/setup';
import { log } from '@/lib/log';

export async function announceSetupIfNeeded(baseUrl: string): Promise<void> {
  const token = await issueSetupToken();
  if (!token) return;
  const lines = [
    '',
    '  First-run setup',
    '  No administrator exists yet. Open the setup page and enter this one-time token:',
    '',
    `    Setup page:  ${baseUrl}/setup`,
    `    Setup token: ${token}`,
    '',
    '  The token stops working once the first administrator is created.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  log.info('setup token issued', { setupPage: `${baseUrl}/setup` });
}
