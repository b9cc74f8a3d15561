import { z } from 'zod';
import type { Request, Response } from 'express';
import type { Context } from '../context.js';
import { botTrap, checkbox, cleanText, describeFieldRules, emailAddressField, type FieldErrors, type FieldRules } from '../web/forms.js';
import { partnerRefOf } from '../lib/partner-ref.js';

/** The fields sent back into a form with errors. */
export const SIGN_FIELDS = ['name', 'email', 'organisation', 'title', 'comment', 'public', 'updates', 'ref'] as const;

/** Longest value of each text field, in characters; the sign form's maxlength attributes use the same numbers. */
export const SIGN_FIELD_MAX = { name: 120, email: 254, organisation: 160, title: 120, comment: 1000 } as const;

export const signForm = z.object({
  name: cleanText('name', { min: 1, max: SIGN_FIELD_MAX.name, messageKeys: 'sign.fields.name' }),
  email: emailAddressField({ required: 'sign.fields.email.required', format: 'sign.fields.email.format' }),
  organisation: cleanText('organisation', { max: SIGN_FIELD_MAX.organisation, messageKeys: 'sign.fields.organisation' }),
  title: cleanText('role or title', { max: SIGN_FIELD_MAX.title, messageKeys: 'sign.fields.title' }),
  comment: cleanText('comment', { max: SIGN_FIELD_MAX.comment, multiline: true, messageKeys: 'sign.fields.comment' }),
  public: checkbox(true),
  updates: checkbox(false),
  /** The honeypot: hidden from people, so anything in it was typed by a bot. */
  website: botTrap,
  /** When the form was shown, signed by the server. */
  stamp: botTrap,
  /** The partner ref of the link the signer came through (a hidden field); anything but a valid ref is none, never an error. */
  ref: z.preprocess((raw) => partnerRefOf(raw) ?? null, z.string().nullable()),
});

export type SignForm = z.infer<typeof signForm>;

/** A signer's own entry, from the edit link: the sign form's fields and rules, but for the address, which never changes. */
export const editForm = signForm.pick({ name: true, organisation: true, title: true, comment: true, public: true, updates: true });
export const EDIT_FIELDS = ['name', 'organisation', 'title', 'comment', 'public', 'updates'] as const;
export type EditForm = z.infer<typeof editForm>;

type SignTextField = keyof typeof SIGN_FIELD_MAX;

/** What public/form-validation.js checks on the sign form before it is sent, with the server's words (catalogue keys: the view says them in the page's language). */
export const SIGN_FIELD_RULES: Record<SignTextField, FieldRules> = {
  name: describeFieldRules(signForm.shape.name, { maxChars: SIGN_FIELD_MAX.name }),
  email: describeFieldRules(signForm.shape.email, { maxChars: SIGN_FIELD_MAX.email, formatProbe: 'name@' }),
  organisation: describeFieldRules(signForm.shape.organisation, { maxChars: SIGN_FIELD_MAX.organisation }),
  title: describeFieldRules(signForm.shape.title, { maxChars: SIGN_FIELD_MAX.title }),
  comment: describeFieldRules(signForm.shape.comment, { maxChars: SIGN_FIELD_MAX.comment }),
};

/** The sign form as the letter page shows it: what was typed, what to correct, and why it came back. */
export interface SignFormState {
  values: Record<string, string | boolean>;
  errors: FieldErrors;
  /** Said above the form when it comes back for a reason that is no one field's (the text changed, the page was open too long): a catalogue key. */
  notice?: { message: string; link?: { href: string; read: number } };
}

/** The letter page's model with a sign form given back in it; the page's module builds it (see givenBackLetterPageModel). */
export type GivenBackLetterPage = { title: string } & Record<string, unknown>;

/** Builds the letter page with `form` given back, for the sign routes to render. */
export type LetterPageWithForm = (ctx: Context, req: Request, res: Response, form: SignFormState) => Promise<GivenBackLetterPage>;
