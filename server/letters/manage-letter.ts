import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { one, type Tx } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { AppError } from '../web/errors.js';
import { findLetter } from './find-letter.js';
import { findVersion, selectLetterBySlug } from './repo.js';
import { createLetter, type LetterText, publishVersion, rewriteDraftVersion, stampFirstPublication } from './publish-version.js';
import { effectiveStatus } from './letter-status.js';
import { letters, type LetterRow, type LetterVersionRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';

/** What an organiser sets on a letter; the slug only counts while the letter is a draft. */
export interface LetterSettings extends LetterText {
  slug: string;
  moderation: LetterRow['moderation'];
  /** The language the letter is written in, set when it is created ('en' unless given). */
  lang?: string;
  opensAt: Date | null;
  closesAt: Date | null;
}

export type LetterContext = Pick<Context, 'db' | 'now'>;

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG_LENGTH = 80;
/** Paths under /admin/letters/ that a slug would shadow. */
const RESERVED_SLUGS = new Set(['new']);

const ALLOWED_STATUS_CHANGES: Record<LetterRow['status'], ReadonlyArray<LetterRow['status']>> = {
  draft: ['open'],
  open: ['closed'],
  closed: ['open'],
};

export function checkSlug(slug: string): void {
  if (!SLUG_PATTERN.test(slug) || slug.length > MAX_SLUG_LENGTH || RESERVED_SLUGS.has(slug)) {
    throw new AppError('invalid_slug', 422, `Use lower-case letters a–z, digits and single hyphens (at most ${MAX_SLUG_LENGTH}), like stop-the-rule`, { field: 'slug' });
  }
}

function checkWindow(settings: Pick<LetterSettings, 'opensAt' | 'closesAt'>): void {
  if (settings.opensAt && settings.closesAt && settings.closesAt <= settings.opensAt) {
    throw new AppError('invalid_window', 422, 'The closing time must be after the opening time', { field: 'closes_at' });
  }
}

/**
 * An anonymised letter keeps its counts but no longer knows who signed: taking signatures again
 * would count its former signers twice (each could sign anew). Refuses any change that would let
 * it take signatures now or later: opening it, or moving its window so that it opens again.
 */
export function refuseReopeningAnonymised(letter: Pick<LetterRow, 'anonymisedAt' | 'status' | 'opensAt' | 'closesAt'>, next: Pick<LetterRow, 'status' | 'opensAt' | 'closesAt'>, now: Date): void {
  if (!letter.anonymisedAt || effectiveStatus(next, now) === 'closed') return;
  throw new AppError(
    'letter_anonymised',
    409,
    `This letter's signatories were anonymised on ${letter.anonymisedAt.toISOString().slice(0, 10)}, so it cannot take signatures again: its former signers would be counted twice. Start a new letter instead.`,
    { field: next.status === letter.status ? 'closes_at' : 'status' },
  );
}

/**
 * Which signatures count depends on when a letter closed (those made before it do), so a closing
 * time in the past is never set on a letter that is or has been public: it would disown
 * signatures made while the letter was open. A passed closing time may stay as it is; to close a
 * letter now, an organiser closes it (its closed_at records the moment).
 */
export function refuseClosingInThePast(letter: Pick<LetterRow, 'status' | 'closesAt'> | undefined, next: Pick<LetterRow, 'status' | 'closesAt'>, now: Date): void {
  if (!next.closesAt || next.closesAt > now) return;
  if (letter?.closesAt && sameMinute(letter.closesAt, next.closesAt)) return;
  const public_ = letter ? letter.status !== 'draft' : next.status === 'open';
  if (!public_) return;
  throw new AppError(
    'closing_time_in_past',
    422,
    'The closing time is in the past: moving it there would stop signatures made while the letter was open from counting. To close the letter now, use Close.',
    { field: 'closes_at' },
  );
}

const sameMinute = (a: Date, b: Date): boolean => Math.floor(a.getTime() / 60_000) === Math.floor(b.getTime() / 60_000);

/**
 * The admin form shows times to the minute: a closing time sent back unchanged keeps the seconds
 * it was stored with (an import may give them), rather than moving a few seconds earlier.
 */
const closingTimeAsSent = (stored: Date | null, sent: Date | null): Date | null => (stored && sent && sameMinute(stored, sent) ? stored : sent);

const slugTaken = (): AppError => new AppError('slug_taken', 409, 'Another letter already has this address; choose another', { field: 'slug' });

/** Runs a write that may change a slug; a concurrent letter taking the same slug becomes a field error. */
async function guardSlug<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
}

/** An organiser starts a letter; it stays a draft (invisible to the public) until opened. */
export async function startLetter(ctx: LetterContext, settings: LetterSettings, actor: Actor, status: LetterRow['status'] = 'draft'): Promise<LetterRow> {
  const now = ctx.now();
  return guardSlug(() => ctx.db.write((tx) => startLetterIn(tx, settings, actor, status, now)));
}

/** startLetter inside a write that may do more. */
export async function startLetterIn(tx: Tx, settings: LetterSettings, actor: Actor, status: LetterRow['status'], now: Date): Promise<LetterRow> {
  checkSlug(settings.slug);
  checkWindow(settings);
  refuseClosingInThePast(undefined, { status, closesAt: settings.closesAt }, now);
  if (await selectLetterBySlug(tx, settings.slug)) throw slugTaken();
  const letter = await createLetter(tx, { ...settings, status }, now);
  await recordAudit(tx, { actor, action: 'letter.create', subject: `letter:${letter.slug}`, details: { status } }, now);
  return letter;
}

export interface LetterUpdate {
  letter: LetterRow;
  version: LetterVersionRow;
  /** True when readers now see a new numbered version of the text. */
  publishedNewVersion: boolean;
}

/**
 * An organiser edits a letter. Once it has been public its address is fixed, and a change of text
 * publishes a new version; signatures keep pointing at the version they signed.
 */
export async function updateLetter(ctx: LetterContext, slug: string, sent: LetterSettings, actor: Actor): Promise<LetterUpdate> {
  const now = ctx.now();
  return guardSlug(() => ctx.db.write((tx) => updateLetterIn(tx, slug, sent, actor, now)));
}

/** updateLetter inside a write that may do more. */
export async function updateLetterIn(tx: Tx, slug: string, sent: LetterSettings, actor: Actor, now: Date): Promise<LetterUpdate> {
  checkWindow(sent);
  const letter = await findLetter(tx, slug);
  const settings = { ...sent, closesAt: closingTimeAsSent(letter.closesAt, sent.closesAt) };
  refuseReopeningAnonymised(letter, { status: letter.status, opensAt: settings.opensAt, closesAt: settings.closesAt }, now);
  refuseClosingInThePast(letter, { status: letter.status, closesAt: settings.closesAt }, now);
  const newSlug = settings.slug || letter.slug;
  if (newSlug !== letter.slug) {
    if (letter.status !== 'draft') throw new AppError('slug_locked', 409, 'The address cannot change once the letter has been published', { field: 'slug' });
    checkSlug(newSlug);
    if (await selectLetterBySlug(tx, newSlug)) throw slugTaken();
  }
  const before = letter.currentVersionId === null ? undefined : await findVersion(tx, letter.currentVersionId);
  const text = { title: settings.title, summary: settings.summary, body: settings.body };
  await tx
    .update(letters)
    .set({ slug: newSlug, ...text, moderation: settings.moderation, opensAt: settings.opensAt, closesAt: settings.closesAt, updatedAt: now })
    .where(eq(letters.id, letter.id));
  const version = letter.status === 'draft' ? await rewriteDraftVersion(tx, letter, text, now) : await publishVersion(tx, letter.id, text, now);
  const publishedNewVersion = letter.status !== 'draft' && version.id !== before?.id;
  const changed = changedSettings(letter, { ...settings, slug: newSlug });
  await recordAudit(tx, { actor, action: 'letter.update', subject: `letter:${newSlug}`, details: { changed, version: version.number, ...(newSlug !== slug ? { previousSlug: slug } : {}) } }, now);
  return { letter: await findLetter(tx, newSlug), version, publishedNewVersion };
}

function changedSettings(letter: LetterRow, settings: LetterSettings): string[] {
  const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  return [
    letter.slug !== settings.slug && 'slug',
    letter.title !== settings.title && 'title',
    letter.summary !== settings.summary && 'summary',
    letter.body !== settings.body && 'body',
    letter.moderation !== settings.moderation && 'moderation',
    !same(letter.opensAt, settings.opensAt) && 'opens_at',
    !same(letter.closesAt, settings.closesAt) && 'closes_at',
  ].filter((field): field is string => typeof field === 'string');
}

/** Refuses a status a letter cannot move to from its own (409). */
export function checkStatusChange(letter: Pick<LetterRow, 'status'>, status: LetterRow['status']): void {
  if (letter.status === status || ALLOWED_STATUS_CHANGES[letter.status].includes(status)) return;
  throw new AppError('status_change_refused', 409, `The letter is ${letter.status}; it cannot become ${status}. Letters go from draft to open, open to closed, and closed to open again.`);
}

/** draft → open → closed, and closed → open again. A letter once public never becomes a draft again. */
export async function changeLetterStatus(ctx: LetterContext, slug: string, status: LetterRow['status'], actor: Actor): Promise<LetterRow> {
  const now = ctx.now();
  return ctx.db.write((tx) => changeLetterStatusIn(tx, slug, status, actor, now));
}

/** changeLetterStatus inside a write that may do more. */
export async function changeLetterStatusIn(tx: Tx, slug: string, status: LetterRow['status'], actor: Actor, now: Date): Promise<LetterRow> {
  const letter = await findLetter(tx, slug);
  if (letter.status === status) return letter;
  refuseReopeningAnonymised(letter, { ...letter, status }, now);
  checkStatusChange(letter, status);
  if (status === 'open') await stampFirstPublication(tx, letter, now);
  // Closing by hand records the moment: signatures made before it count when confirmed later.
  const updated = await one(tx.update(letters).set({ status, closedAt: status === 'closed' ? now : null, updatedAt: now }).where(eq(letters.id, letter.id)).returning());
  await recordAudit(tx, { actor, action: 'letter.status', subject: `letter:${slug}`, details: { from: letter.status, to: status } }, now);
  return updated;
}
