// The first-run setup form: the one-time token printed on the server console and the
// first administrator's account.
import { z } from 'zod';
import { ZEmail, ZNewPassword, ZPersonName } from '@/lib/validation/user';

export const ZSetupInput = z.object({
  token: z.string().trim().min(1, 'Enter the setup token printed on the server console').max(200),
  name: ZPersonName,
  email: ZEmail,
  password: ZNewPassword,
});
