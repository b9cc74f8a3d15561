import { eq } from 'drizzle-orm';
import { one, type Reader, type Tx } from '../db/database.js';
import { AppError, notFound } from '../web/errors.js';
import { hashLetterText, type LetterText } from './publish-version.js';
import { findVersion, latestVersionNumber, listVersions } from './repo.js';
import { letters, letterVersions, type LetterRow, type LetterVersionRow, type PublicLetterRow } from './table.js';

/**
 * A letter's translations: each is a text in another language, versioned with its SHA-256 exactly
 * like the original (letter_versions rows with that `lang`, numbered per language). The letter row
 * keeps the current version of each (`translations`), as it keeps the original's (current_version_id).
 * Signatures are one list whatever the language: each records the version (so the language) its signer read.
 */

type Translated = Pick<LetterRow, 'lang' | 'translations' | 'currentVersionId'>;

/** The current version id of each translation. */
export function translationVersions(letter: Pick<LetterRow, 'translations'>): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(letter.translations);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  } catch {
    return {};
  }
}

/** The languages a letter can be read in: its original's first (the fallback), then its translations'. */
export const letterLanguages = (letter: Pick<LetterRow, 'lang' | 'translations'>): string[] => [letter.lang, ...Object.keys(translationVersions(letter)).sort()];

/** The current version of the letter's text in `lang` (one of letterLanguages). */
export function currentVersionIdIn(letter: Translated, lang: string): number | undefined {
  return lang === letter.lang ? (letter.currentVersionId ?? undefined) : translationVersions(letter)[lang];
}

/**
 * The title and summary a page shows above a version's body: the letter's own for its original
 * language (what organisers last saved), the translation's for another.
 */
export const textAsShown = (letter: Pick<PublicLetterRow, 'lang' | 'title' | 'summary'>, version: Pick<LetterVersionRow, 'lang' | 'title' | 'summary'>): { title: string; summary: string } =>
  version.lang === letter.lang ? { title: letter.title, summary: letter.summary } : { title: version.title, summary: version.summary };

/** A language code as BCP 47 writes a primary language, optionally with a region: fr, de, pt-BR. */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** Codes that name no language a reader could read (undetermined, no linguistic content, several, missing). */
const NOT_A_LANGUAGE = new Set(['und', 'zxx', 'mul', 'mis']);
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** A code of the right shape whose primary language is one Intl knows (fr, de-AT; not xx, zz or und). */
export function isLanguageCode(code: string): boolean {
  const primary = code.split('-')[0] ?? '';
  return LANGUAGE_CODE.test(code) && !NOT_A_LANGUAGE.has(primary) && languageNames.of(primary) !== undefined;
}

export const invalidLanguage = (): AppError =>
  new AppError('invalid_language', 422, 'Enter a language code such as fr, de or pt-BR', { field: 'lang' });

/**
 * Publishes the text of a translation: its first version, or a new one when the text changed (the
 * same text is no new version). Call inside the write that is the organiser's one action.
 */
export async function publishTranslation(tx: Tx, letter: LetterRow, lang: string, text: LetterText, now: Date): Promise<{ version: LetterVersionRow; changed: boolean }> {
  if (!isLanguageCode(lang)) throw invalidLanguage();
  if (lang === letter.lang) throw new AppError('translation_is_original', 422, `The letter is written in ${lang}: edit the letter itself to change its text`, { field: 'lang' });
  const versions = translationVersions(letter);
  const currentId = versions[lang];
  const current = currentId === undefined ? undefined : await findVersion(tx, currentId);
  const sha256 = hashLetterText(text);
  if (current && current.sha256 === sha256) return { version: current, changed: false };
  const version = await one(
    tx
      .insert(letterVersions)
      .values({ letterId: letter.id, lang, number: (await latestVersionNumber(tx, letter.id, lang)) + 1, title: text.title, summary: text.summary, body: text.body, sha256, publishedAt: now })
      .returning(),
  );
  await tx.update(letters).set({ translations: JSON.stringify({ ...versions, [lang]: version.id }), updatedAt: now }).where(eq(letters.id, letter.id));
  return { version, changed: true };
}

export interface TranslationSummary {
  lang: string;
  current: LetterVersionRow;
  versions: number;
}

/** Each translation of a letter with its current version, for organisers. */
export async function listTranslations(db: Reader, letter: LetterRow): Promise<TranslationSummary[]> {
  const summaries: TranslationSummary[] = [];
  for (const [lang, id] of Object.entries(translationVersions(letter)).sort(([a], [b]) => a.localeCompare(b))) {
    const current = await findVersion(db, id);
    if (current) summaries.push({ lang, current, versions: current.number });
  }
  return summaries;
}

/** The current text of one translation, or 404. */
export async function findTranslation(db: Reader, letter: LetterRow, lang: string): Promise<LetterVersionRow> {
  const id = translationVersions(letter)[lang];
  const version = id === undefined ? undefined : await findVersion(db, id);
  if (!version) throw notFound('translation');
  return version;
}

/** The versions of a public letter's text in one of its languages, newest first. */
export async function versionsIn(db: Reader, letter: PublicLetterRow, lang: string): Promise<LetterVersionRow[]> {
  return (await listVersions(db, letter.id, lang)).reverse();
}
