import type { Reader } from '../db/database.js';
import { AppError } from '../web/errors.js';
import { fieldErrorOf, parseForm } from '../web/forms.js';
import { LETTER_FIELDS, letterForm, letterSettingsFrom, TRANSLATION_FIELDS, translationForm } from './admin-forms.js';
import { FrontMatterError, formatFrontMatter, parseFrontMatter, type FrontMatterDocument } from './front-matter.js';
import { isLanguageCode } from './translations.js';
import { translateLetterIn, type TranslationUpdate } from './manage-translations.js';
import { changeLetterStatusIn, checkStatusChange, type LetterContext, refuseReopeningAnonymised, startLetterIn, updateLetterIn } from './manage-letter.js';
import { selectLetterBySlug } from './repo.js';
import { LETTER_STATUSES, type LetterRow } from './table.js';
import type { Actor } from '../audit/index.js';

const KEYS = ['slug', 'title', 'summary', 'status', 'moderation', 'opens_at', 'closes_at', 'lang'] as const;

const invalidFile = (message: string): AppError => new AppError('invalid_letter_file', 422, `invalid letter file: ${message}`);

/** A letter as Markdown with front matter: what `letter export` prints and `letter import` reads. */
export async function exportLetter(db: Reader, slug: string): Promise<string> {
  const letter = await selectLetterBySlug(db, slug);
  if (!letter) throw new AppError('letter_not_found', 404, `no letter has the slug "${slug}"`);
  const fields: Array<[string, string]> = [
    ['slug', letter.slug],
    ['title', letter.title],
    ['summary', letter.summary],
    ['status', letter.status],
    ['moderation', letter.moderation],
  ];
  if (letter.opensAt) fields.push(['opens_at', letter.opensAt.toISOString()]);
  if (letter.closesAt) fields.push(['closes_at', letter.closesAt.toISOString()]);
  if (letter.lang !== 'en') fields.push(['lang', letter.lang]);
  return formatFrontMatter(fields, letter.body);
}

export interface ImportResult {
  letter: LetterRow;
  created: boolean;
}

/**
 * Creates the letter a file describes, with the same rules as the organisers' form; with `update`,
 * an existing letter of that slug takes the file's text and settings (a new version if it is public).
 */
function readLetterFile(text: string): FrontMatterDocument {
  let document;
  try {
    document = parseFrontMatter(text);
  } catch (error) {
    if (error instanceof FrontMatterError) throw invalidFile(error.message);
    throw error;
  }
  const unknown = Object.keys(document.fields).find((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown) throw invalidFile(`unknown front matter key "${unknown}" (known: ${KEYS.join(', ')})`);
  return document;
}

export async function importLetter(ctx: LetterContext, text: string, actor: Actor, options: { update: boolean }): Promise<ImportResult> {
  const document = readLetterFile(text);
  const lang = document.fields.lang ?? 'en';
  if (!isLanguageCode(lang)) throw invalidFile('lang: Enter a language code such as fr, de or pt-BR');
  const status = document.fields.status ?? 'draft';
  const knownStatus = LETTER_STATUSES.find((candidate) => candidate === status);
  if (!knownStatus) throw invalidFile(`status must be one of ${LETTER_STATUSES.join(', ')}`);
  const parsed = parseForm(letterForm, { ...document.fields, body: document.body }, LETTER_FIELDS);
  if (!parsed.ok) {
    const [field, message] = Object.entries(parsed.errors)[0] ?? ['file', 'not readable'];
    throw invalidFile(`${field}: ${message}`);
  }
  const settings = letterSettingsFrom(parsed.data);
  try {
    // One transaction: a refusal at any step (checked before the first write where it can be)
    // leaves the letter exactly as it was.
    const now = ctx.now();
    return await ctx.db.write(async (tx) => {
      const existing = await selectLetterBySlug(tx, settings.slug);
      if (!existing) return { letter: await startLetterIn(tx, { ...settings, lang }, actor, knownStatus, now), created: true };
      if (existing.lang !== lang) throw invalidFile(`lang: the letter is written in ${existing.lang}; import a translation with --lang ${lang}`);
      if (!options.update) throw new AppError('letter_exists', 409, `a letter with slug "${settings.slug}" already exists; add --update to replace its text and settings`);
      refuseReopeningAnonymised(existing, { status: knownStatus, opensAt: settings.opensAt, closesAt: settings.closesAt }, now);
      checkStatusChange(existing, knownStatus);
      await updateLetterIn(tx, settings.slug, settings, actor, now);
      return { letter: await changeLetterStatusIn(tx, settings.slug, knownStatus, actor, now), created: false };
    });
  } catch (error) {
    const refused = fieldErrorOf(error);
    if (!refused) throw error;
    const [field, message] = Object.entries(refused.errors)[0] ?? [];
    throw invalidFile(`${field}: ${message}`);
  }
}

/**
 * A translation from a letter file (`letter import FILE.md --lang fr`): the file's slug names the
 * letter, its title, summary and body are the translation's text (its other settings belong to
 * the letter and are ignored). A new translation is added; an existing one gets a new version.
 */
export async function importTranslation(ctx: LetterContext, text: string, lang: string, actor: Actor): Promise<TranslationUpdate & { letter: LetterRow }> {
  const document = readLetterFile(text);
  const slug = document.fields.slug;
  if (!slug) throw invalidFile('slug: the front matter must name the letter this translates');
  if (document.fields.lang !== undefined && document.fields.lang !== lang) throw invalidFile(`lang: the file says ${document.fields.lang}, the command --lang ${lang}`);
  const parsed = parseForm(translationForm, { lang, title: document.fields.title, summary: document.fields.summary, body: document.body }, TRANSLATION_FIELDS);
  if (!parsed.ok) {
    const [field, message] = Object.entries(parsed.errors)[0] ?? ['file', 'not readable'];
    throw invalidFile(`${field}: ${message}`);
  }
  const { lang: code, ...words } = parsed.data;
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const letter = await selectLetterBySlug(tx, slug);
    if (!letter) throw new AppError('letter_not_found', 404, `no letter has the slug "${slug}"`);
    try {
      return { letter, ...(await translateLetterIn(tx, slug, code, words, actor, now)) };
    } catch (error) {
      const refused = fieldErrorOf(error);
      if (!refused) throw error;
      throw invalidFile(Object.values(refused.errors)[0] ?? 'refused');
    }
  });
}
