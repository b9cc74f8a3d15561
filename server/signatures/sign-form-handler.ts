import type { RequestHandler, Response } from 'express';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { formValues, parseForm } from '../web/forms.js';
import { param } from '../web/params.js';
import { describeClientAddress } from '../lib/client-address.js';
import { SIGN_FIELDS, signForm, type SignForm, type SignFormState } from './forms.js';
import { letterClosed, SIGN_FORM_SEND_AGAIN, signLetter } from './sign-letter.js';
import { answerNoSoonerThan } from '../abuse/index.js';
import { findPublicLetterOnce, isAcceptingSignatures } from '../letters/index.js';

/** Where a sign form lives: the letter page, or the compact form partners embed. */
export interface SignFormPlace {
  /** Shows the form again, filled in: fields to correct, or a notice (the text changed, the page was open too long). */
  giveBack(res: Response, slug: string, form: SignFormState, status: number): Promise<void>;
  /** Where the signer goes once the form is taken ("check your email"). */
  doneUrl(slug: string, form: SignForm): string;
}

/** What the page says above a form it gives back, and where it points. */
function sendAgainNotice(slug: string, error: AppError): SignFormState['notice'] {
  const { read, current } = error.details;
  if (typeof read !== 'number' || typeof current !== 'number') return { message: error.message };
  return { message: error.message, link: { href: `/letters/${encodeURIComponent(slug)}/versions/${read}..${current}`, text: `See what changed since version ${read}, the one you read` } };
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
    if (!isAcceptingSignatures(letter, ctx.now())) throw letterClosed();
    const parsed = parseForm(signForm, req.body, SIGN_FIELDS);
    if (!parsed.ok) return place.giveBack(res, slug, { values: parsed.values, errors: parsed.errors }, 422);
    try {
      await signLetter(ctx, { letter, form: parsed.data, client: describeClientAddress(req.ip, ctx.config.sessionSecret) });
    } catch (error) {
      if (!(error instanceof AppError && SIGN_FORM_SEND_AGAIN.has(error.id))) throw error;
      // The form comes back filled in, stamped for the text on the page now.
      return place.giveBack(res, slug, { values: formValues(req.body, SIGN_FIELDS), errors: {}, notice: sendAgainNotice(slug, error) }, error.status);
    }
    await evenTiming();
    res.redirect(303, place.doneUrl(slug, parsed.data));
  };
}
