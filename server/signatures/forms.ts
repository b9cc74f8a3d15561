import { z } from 'zod';
import { checkbox, cleanText, textValue } from '../web/forms.js';
import { parseEmailAddress } from './email-address.js';

/** The fields sent back into a form with errors (`stamp` too, so a person need not wait again). */
export const SIGN_FIELDS = ['name', 'email', 'organisation', 'title', 'comment', 'public', 'updates', 'stamp'] as const;

/** Bot traps (server/abuse/bot-checks.ts): any value passes validation, so a bot learns nothing from errors. */
const botTrap = z.preprocess((raw) => (textValue(raw) ?? '').trim(), z.string());

export const signForm = z.object({
  name: cleanText('name', { min: 1, max: 120 }),
  email: z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z
      .string()
      .min(1, 'Enter your email address')
      .transform((value, ctx) => {
        const address = parseEmailAddress(value);
        if (!address) {
          ctx.addIssue({ code: 'custom', message: 'Enter an email address in the correct format, like name@example.org' });
          return z.NEVER;
        }
        return address;
      }),
  ),
  organisation: cleanText('organisation', { max: 160 }),
  title: cleanText('role or title', { max: 120 }),
  comment: cleanText('comment', { max: 1000, multiline: true }),
  public: checkbox(true),
  updates: checkbox(false),
  /** The honeypot: hidden from people, so anything in it was typed by a bot. */
  website: botTrap,
  /** When the form was shown, signed by the server. */
  stamp: botTrap,
});

export type SignForm = z.infer<typeof signForm>;
