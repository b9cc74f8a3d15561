import { diffLines, diffWordsWithSpace } from 'diff';
import type { Reader } from '../db/database.js';
import { notFound } from '../web/errors.js';
import { renderMarkdown } from '../lib/markdown.js';
import { findVersionByNumber, listVersions } from './repo.js';
import { currentVersionIdIn } from './translations.js';
import type { LetterVersionRow, PublicLetterRow } from './table.js';

/**
 * Rendered text per version: a published version never changes, so it is rendered once. The hash is
 * part of the key because a draft's version is rewritten in place until the letter opens.
 */
const renderedVersions = new Map<string, string>();

export function versionHtml(version: LetterVersionRow): string {
  const key = `${version.id}:${version.sha256}`;
  let html = renderedVersions.get(key);
  if (html === undefined) {
    html = renderMarkdown(version.body);
    if (renderedVersions.size > 500) renderedVersions.clear();
    renderedVersions.set(key, html);
  }
  return html;
}

export interface DiffPart {
  change: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * Myers' diff costs time in proportion to length × edits and runs on the request's thread: beyond
 * this many word edits (or this much time) a text counts as rewritten and is compared by lines.
 * Measured on a 6,000-word rewrite: giving up at 500 edits takes about 0.25 s, at 4,000 about 9 s.
 */
const WORD_DIFF_LIMITS = { maxEditLength: 500, timeout: 300 };

/** A word-level diff for reading (whitespace kept, so paragraphs stay paragraphs); line-level when the texts differ too much. */
export function diffText(before: string, after: string): DiffPart[] {
  const changes = diffWordsWithSpace(before, after, WORD_DIFF_LIMITS) ?? diffLines(before, after);
  return changes.map((change) => ({ change: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value }));
}

export interface VersionHistory {
  letter: PublicLetterRow;
  /** Newest first. */
  versions: LetterVersionRow[];
  /** The newest, whose title the page shows. */
  text: LetterVersionRow;
  currentVersionId: number | undefined;
}

/** Every published version of a public letter's text in one of its languages (see letterLanguages). */
export async function describeVersionHistory(db: Reader, letter: PublicLetterRow, lang: string): Promise<VersionHistory> {
  const versions = (await listVersions(db, letter.id, lang)).reverse();
  const text = versions[0];
  if (!text) throw notFound('version of this letter');
  return { letter, versions, text, currentVersionId: currentVersionIdIn(letter, lang) };
}

async function publicVersion(db: Reader, letter: PublicLetterRow, lang: string, number: number): Promise<LetterVersionRow> {
  const version = await findVersionByNumber(db, letter.id, lang, number);
  if (!version) throw notFound('version of this letter');
  return version;
}

export async function describeVersion(db: Reader, letter: PublicLetterRow, lang: string, number: number) {
  const version = await publicVersion(db, letter, lang, number);
  return { letter, version, isCurrent: version.id === currentVersionIdIn(letter, lang), bodyHtml: versionHtml(version) };
}

export interface VersionComparison {
  letter: PublicLetterRow;
  from: LetterVersionRow;
  to: LetterVersionRow;
  titleDiff: DiffPart[];
  summaryDiff: DiffPart[];
  bodyDiff: DiffPart[];
}

/** Published versions never change, so a comparison is worked out once and kept (bounded). */
const comparisons = new Map<string, Omit<VersionComparison, 'letter' | 'from' | 'to'>>();

export async function compareVersions(db: Reader, letter: PublicLetterRow, lang: string, fromNumber: number, toNumber: number): Promise<VersionComparison> {
  const from = await publicVersion(db, letter, lang, fromNumber);
  const to = await publicVersion(db, letter, lang, toNumber);
  const key = `${from.id}:${from.sha256}:${to.id}:${to.sha256}`;
  let parts = comparisons.get(key);
  if (!parts) {
    parts = { titleDiff: diffText(from.title, to.title), summaryDiff: diffText(from.summary, to.summary), bodyDiff: diffText(from.body, to.body) };
    if (comparisons.size >= 200) comparisons.clear();
    comparisons.set(key, parts);
  }
  return { letter, from, to, ...parts };
}

/** `3` is one version, `2..3` a comparison; anything else is not a page. */
export function parseVersionRef(ref: string): { from: number; to?: number } {
  const match = /^(\d{1,6})(?:\.\.(\d{1,6}))?$/.exec(ref);
  if (!match) throw notFound('version of this letter');
  return { from: Number(match[1]), ...(match[2] === undefined ? {} : { to: Number(match[2]) }) };
}
