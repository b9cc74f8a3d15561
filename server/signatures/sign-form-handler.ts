import type { Request, RequestHandler, Response } from 'express';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { formValues, parseForm } from '../web/forms.js';
import { param } from '../web/params.js';
import { describeClientAddress } from '../lib/client-address.js';
import { SIGN_FIELDS, signForm, type SignForm, type SignFormState } from './forms.js';
import { letterClosed, SIGN_FORM_SEND_AGAIN, signLetter } from './sign-letter.js';
import { answerNoSoonerThan } from '../abuse/index.js';
import { findPublicLetterOnce, isAcceptingSignatures, letterLanguages } from '../letters/index.js';
import { answerInLetterLanguage } from '../web/language.js';

/** Where a sign form lives: the letter page, or the compact form partners embed. */
export interface SignFormPlace {
  /** Shows the form again, filled in: fields to correct, or a notice (the text changed, the page was open too long). */
  giveBack(req: Request, res: Response, slug: string, form: SignFormState, status: number): Promise<void>;
  /** Where the signer goes once the form is taken ("check your email"); `langQuery` keeps the language signed in when the letter has several. */
  doneUrl(slug: string, form: SignForm, langQuery: string): string;
}

/** What the page says above a form it gives back (a catalogue key, `errors.<id>`), and where it points. */
function sendAgainNotice(slug: string, error: AppError, langQuery: string): SignFormState['notice'] {
  const { read, current } = error.details;
  const message = `errors.${error.id}`;
  if (typeof read !== 'number' || typeof current !== 'number') return { message };
  return { message, link: { href: `/letters/${encodeURIComponent(slug)}/versions/${read}..${current}${langQuery}`, read } };
}

/**
 * The handler of a sign form's POST, wherever the form was shown: the same checks, the same
 * signLetter, the same even timing; only the page that answers differs.
 */
export function handleSignForm(ctx: Context, place: SignFormPlace): RequestHandler {
  return async (req, res) => {
    const evenTiming = answerNoSoonerThan(ctx.config.signResponseMs);
    const slug = param(req, 'slug');
    const letter = await findPublicLetterOnce(ctx.db, req, slug);
    // The answer (errors, the page it sends the signer to) is in the language of the page signed on.
    answerInLetterLanguage(req, res, letterLanguages(letter));
    if (!isAcceptingSignatures(letter, ctx.now())) throw letterClosed();
    const parsed = parseForm(signForm, req.body, SIGN_FIELDS);
    if (!parsed.ok) return place.giveBack(req, res, slug, { values: parsed.values, errors: parsed.errors }, 422);
    try {
      await signLetter(ctx, { letter, form: parsed.data, client: describeClientAddress(req.ip, ctx.config.sessionSecret), lang: res.locals.textLang as string });
    } catch (error) {
      if (!(error instanceof AppError && SIGN_FORM_SEND_AGAIN.has(error.id))) throw error;
      // The form comes back filled in, stamped for the text on the page now.
      return place.giveBack(req, res, slug, { values: formValues(req.body, SIGN_FIELDS), errors: {}, notice: sendAgainNotice(slug, error, res.locals.langQuery as string) }, error.status);
    }
    await evenTiming();
    res.redirect(303, place.doneUrl(slug, parsed.data, res.locals.langQuery as string));
  };
}
