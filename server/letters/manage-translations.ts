import type { Tx } from '../db/database.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { findLetter } from './find-letter.js';
import type { LetterText } from './publish-version.js';
import type { LetterVersionRow } from './table.js';
import { publishTranslation } from './translations.js';
import type { LetterContext } from './manage-letter.js';

export interface TranslationUpdate {
  version: LetterVersionRow;
  /** True when readers now see a new numbered version of the translation. */
  publishedNewVersion: boolean;
}

/**
 * An organiser (or the CLI) adds a translation of a letter, or changes one: its first version or
 * a new one (the same text is no new version). Signatures keep pointing at the version they read.
 */
export async function translateLetter(ctx: LetterContext, slug: string, lang: string, text: LetterText, actor: Actor): Promise<TranslationUpdate> {
  const now = ctx.now();
  return ctx.db.write((tx) => translateLetterIn(tx, slug, lang, text, actor, now));
}

/** translateLetter inside a write that may do more. */
export async function translateLetterIn(tx: Tx, slug: string, lang: string, text: LetterText, actor: Actor, now: Date): Promise<TranslationUpdate> {
  const letter = await findLetter(tx, slug);
  const { version, changed } = await publishTranslation(tx, letter, lang, text, now);
  if (changed) await recordAudit(tx, { actor, action: 'letter.translate', subject: `letter:${letter.slug}`, details: { lang, version: version.number } }, now);
  return { version, publishedNewVersion: changed };
}
