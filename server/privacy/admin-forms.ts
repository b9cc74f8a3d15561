import { z } from 'zod';
import { parseEmailAddress } from '../lib/email-address.js';
import { textValue } from '../web/forms.js';

export const ERASE_SIGNER_FIELDS = ['email'] as const;

/** The address of a signer's erasure request, as the owner types or pastes it. */
export const eraseSignerForm = z.object({
  email: z.preprocess(
    (raw) => (textValue(raw) ?? '').trim(),
    z
      .string()
      .min(1, 'Enter the email address to erase')
      .max(254, 'An email address is at most 254 characters')
      .refine((value) => parseEmailAddress(value) !== undefined, 'Enter an email address in the correct format, like name@example.org'),
  ),
});
