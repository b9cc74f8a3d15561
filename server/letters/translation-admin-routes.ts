import { Router, type Response } from 'express';
import type { Context } from '../context.js';
import { fieldErrorOf, parseForm, type FieldErrors } from '../web/forms.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { SITE_LANGUAGES } from '../web/i18n.js';
import { TRANSLATION_FIELDS, translationForm } from './admin-forms.js';
import { findLetter } from './find-letter.js';
import { translateLetter } from './manage-translations.js';
import type { LetterRow } from './table.js';
import { findTranslation, listTranslations } from './translations.js';
import { actorFrom, currentOrganiser, requireOrganiser } from '../organisers/index.js';

/** Organiser pages are in English: a language by its English name ("French"). */
const ENGLISH_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });
const englishName = (code: string): string => ENGLISH_NAMES.of(code) ?? code;

interface TranslationFormPage {
  letter: LetterRow;
  /** The language being edited; undefined while adding one. */
  editing?: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

function renderTranslationForm(res: Response, page: TranslationFormPage, status = 200): void {
  const heading = page.editing ? `Edit the ${englishName(page.editing)} translation` : 'Add a translation';
  renderPage(res, 'letters/admin/translation-form', { siteLanguages: SITE_LANGUAGES.join(', '), title: `${Object.keys(page.errors).length > 0 ? 'Error: ' : ''}${heading}: ${page.letter.title}`, heading, ...page }, status);
}

/** A letter's translations for organisers: viewers may look; owners add and edit them (each change a new version). */
export function translationAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');
  const owner = requireOrganiser(ctx, 'owner');

  router.get('/admin/letters/:slug/translations', anyOrganiser, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const translations = (await listTranslations(ctx.db, letter)).map((translation) => ({ ...translation, name: englishName(translation.lang) }));
    renderPage(res, 'letters/admin/translations', { title: `Translations: ${letter.title}`, letter, translations, originalName: englishName(letter.lang) });
  });

  router.get('/admin/letters/:slug/translations/new', owner, async (req, res) => {
    renderTranslationForm(res, { letter: await findLetter(ctx.db, param(req, 'slug')), values: {}, errors: {} });
  });

  router.get('/admin/letters/:slug/translations/:lang', owner, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const current = await findTranslation(ctx.db, letter, param(req, 'lang'));
    renderTranslationForm(res, { letter, editing: current.lang, values: { lang: current.lang, title: current.title, summary: current.summary, body: current.body }, errors: {} });
  });

  // Adding and editing post the same form: the language names the translation.
  router.post('/admin/letters/:slug/translations', owner, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const parsed = parseForm(translationForm, req.body, TRANSLATION_FIELDS);
    if (!parsed.ok) return renderTranslationForm(res, { letter, values: parsed.values, errors: parsed.errors }, 422);
    const { lang, ...text } = parsed.data;
    try {
      const result = await translateLetter(ctx, letter.slug, lang, text, actorFrom(currentOrganiser(res)));
      res.redirect(303, `/admin/letters/${letter.slug}/translations${result.publishedNewVersion ? `?published=${lang}` : ''}`);
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      renderTranslationForm(res, { letter, values: { lang, ...text }, errors: refused.errors }, refused.status);
    }
  });

  return router;
}
