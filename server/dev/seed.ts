import type { Context } from '../context.js';
import type { Reader } from '../db/database.js';
import { AppError } from '../web/errors.js';
import { emailKeyOf } from '../lib/email-address.js';
import { COMMENTS, FIRST_NAMES, FREEMAIL_DOMAINS, LAST_NAMES, ORGANISATIONS, ROLES } from './seed-data.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { DEMO_LETTER, createDemoLetter, findLetter, type LetterRow } from '../letters/index.js';
import { createOrganisation, matchOrganisation, organisationKey } from '../organisations/index.js';
import { highestSignatureId, insertSignatureRows, type NewSignatureRow } from '../signatures/index.js';
import { addPartner, listPartners, partnerForm } from '../partners/index.js';

export interface SeedOptions {
  slug: string;
  signatures: number;
  /** Called every `batch` rows with the number written so far. */
  onProgress?: (written: number) => void;
  batch?: number;
}

/** A deterministic pseudo-random sequence, so two seeded databases hold the same data. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** State mix of a real campaign a few days in: most approved, some waiting, a few rejected or withdrawn. */
function pickState(random: () => number): 'approved' | 'pending' | 'unconfirmed' | 'rejected' | 'withdrawn' {
  const roll = random();
  if (roll < 0.72) return 'approved';
  if (roll < 0.84) return 'pending';
  if (roll < 0.94) return 'unconfirmed';
  if (roll < 0.97) return 'rejected';
  return 'withdrawn';
}

/** The letter of that address, or undefined when there is none yet: seeding creates it then. */
async function existingLetter(db: Reader, slug: string): Promise<LetterRow | undefined> {
  try {
    return await findLetter(db, slug);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return undefined;
    throw error;
  }
}

function ensureLetter(ctx: Context, slug: string): Promise<LetterRow> {
  return ctx.db.write(async (tx) => {
    const existing = await existingLetter(tx, slug);
    // Its former signers are counted still: new signatures would count people twice, as reopening would.
    if (existing?.anonymisedAt) throw new AppError('letter_anonymised', 409, `The signatories of ${slug} were anonymised, so it takes no signatures, seeded ones included. Seed another letter.`);
    if (existing) return existing;
    return createDemoLetter(tx, { ...DEMO_LETTER, slug, moderation: 'post' }, ctx.now());
  });
}

/** Rows per INSERT: well within both engines' limits on bound values (23 columns each). */
const ROWS_PER_INSERT = 500;

/**
 * Bulk development data. It inserts rows in batches rather than through the signing use case
 * because a million signatures through HTTP-shaped code would take minutes; the count triggers
 * still run for every row, so counts stay honest.
 */
export async function seedSignatures(ctx: Context, options: SeedOptions): Promise<{ letter: LetterRow; written: number }> {
  const letter = await ensureLetter(ctx, options.slug);
  if (letter.currentVersionId === null) throw new AppError('letter_without_text', 409, `${letter.slug} has no text version to sign.`);
  const versionId = letter.currentVersionId;
  const random = mulberry32(letter.id * 7919 + options.signatures);
  const organisationIds = await seedOrganisations(ctx);
  await seedPartners(ctx, letter);
  const start = await highestSignatureId(ctx.db);
  const batch = options.batch ?? 20_000;
  const now = ctx.now().getTime();
  const spanMs = 14 * 24 * 60 * 60 * 1000;
  let written = 0;

  const rowsOf = (count: number): NewSignatureRow[] => {
    const rows: NewSignatureRow[] = [];
    for (let i = 0; i < count; i += 1) {
      const n = start + written + i + 1;
      const first = pick(random, FIRST_NAMES);
      const last = pick(random, LAST_NAMES);
      const atOrganisation = random() < 0.7;
      const organisation = atOrganisation ? pick(random, ORGANISATIONS) : undefined;
      const worksThere = organisation !== undefined && random() < 0.6;
      const domain = worksThere ? organisation.domain : pick(random, FREEMAIL_DOMAINS);
      const local = `${first}.${last}.${n}`.toLowerCase().normalize('NFD').replace(/[^a-z0-9.]/g, '');
      const state = pickState(random);
      const confirmed = state !== 'unconfirmed';
      const signedAt = now - spanMs + Math.floor((n % 1_000_000) / 1_000_000 * spanMs);
      const withdrawn = state === 'withdrawn';
      const typed = withdrawn || !organisation ? '' : random() < 0.5 ? organisation.name : pick(random, organisation.aliases);
      rows.push({
        letterId: letter.id,
        versionId,
        name: withdrawn ? '' : `${first} ${last}`,
        email: `${local}@${domain}`,
        emailKey: emailKeyOf(local, domain),
        emailDomain: domain,
        title: withdrawn ? '' : pick(random, ROLES),
        organisationText: typed,
        organisationKey: organisationKey(typed),
        organisationId: withdrawn || !organisation ? null : organisationIds.get(organisation.name) ?? null,
        comment: withdrawn ? '' : pick(random, COMMENTS),
        showPublic: random() < 0.9,
        contactUpdates: random() < 0.3,
        // A quarter came through a partner's link (by the row's number: the random sequence stays as it was).
        source: n % 4 === 0 ? (SEED_PARTNERS[n % SEED_PARTNERS.length]?.ref ?? null) : null,
        state,
        featured: state === 'approved' && random() < 0.0001,
        affiliationVerified: confirmed && worksThere && !withdrawn,
        mailsSent: 1,
        signedAt: new Date(signedAt),
        confirmedAt: confirmed ? new Date(signedAt + 60_000) : null,
        moderatedAt: state === 'rejected' || state === 'approved' ? new Date(signedAt + 3_600_000) : null,
        withdrawnAt: withdrawn ? new Date(signedAt + 86_400_000) : null,
      });
    }
    return rows;
  };

  while (written < options.signatures) {
    const rows = rowsOf(Math.min(batch, options.signatures - written));
    await ctx.db.write(async (tx) => {
      for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) await insertSignatureRows(tx, rows.slice(at, at + ROWS_PER_INSERT));
    });
    written += rows.length;
    options.onProgress?.(written);
  }
  return { letter: await findLetter(ctx.db, options.slug), written };
}

const SEED_PARTNERS = [
  { name: 'Open Rights Newsletter', ref: 'newsletter', origins: 'https://newsletter.example' },
  { name: 'Coalition website', ref: 'coalition-site', origins: 'https://coalition.example' },
];

/** The letter's partners, registered once like an owner would, so sources and embeds have something to show. */
async function seedPartners(ctx: Context, letter: LetterRow): Promise<void> {
  if ((await listPartners(ctx.db, letter.id)).length > 0) return;
  for (const partner of SEED_PARTNERS) await addPartner(ctx, letter.slug, partnerForm.parse(partner), SYSTEM_ACTOR);
}

/** The fictional organisations, created through the organisations service like an organiser would. */
async function seedOrganisations(ctx: Context): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const organisation of ORGANISATIONS) {
    const existing = (await matchOrganisation(ctx.db, organisation.name)).organisationId;
    const id = existing ?? (await createOrganisation(ctx, { ...organisation, domains: [organisation.domain], actor: SYSTEM_ACTOR })).id;
    ids.set(organisation.name, id);
  }
  return ids;
}
