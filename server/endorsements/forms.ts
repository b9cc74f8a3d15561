import { z } from 'zod';
import { botTrap, cleanText, emailAddressField, type FieldErrors } from '../web/forms.js';

/** The fields sent back into an endorse form with errors. */
export const ENDORSE_FIELDS = ['organisation', 'name', 'email', 'role', 'statement'] as const;

/** Longest value of each text field, in characters; the form's maxlength attributes use the same numbers. */
export const ENDORSE_FIELD_MAX = { organisation: 160, name: 120, email: 254, role: 120, statement: 1000 } as const;

export const endorseForm = z.object({
  organisation: cleanText('organisation', { min: 1, max: ENDORSE_FIELD_MAX.organisation, messageKeys: 'endorse.fields.organisation' }),
  name: cleanText('name', { min: 1, max: ENDORSE_FIELD_MAX.name, messageKeys: 'endorse.fields.name' }),
  email: emailAddressField({ required: 'sign.fields.email.required', format: 'sign.fields.email.format' }),
  role: cleanText('role', { min: 1, max: ENDORSE_FIELD_MAX.role, messageKeys: 'endorse.fields.role' }),
  statement: cleanText('statement', { max: ENDORSE_FIELD_MAX.statement, multiline: true, messageKeys: 'endorse.fields.statement' }),
  /** The honeypot and the form's stamp, as on the sign form. */
  website: botTrap,
  stamp: botTrap,
});

export type EndorseForm = z.infer<typeof endorseForm>;

export interface EndorseFormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

export const EMPTY_ENDORSE_FORM: EndorseFormState = { values: {}, errors: {} };
