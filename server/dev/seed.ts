import type { SqliteConnection } from '../db/client.js';
import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { emailKeyOf } from '../lib/email-address.js';
import { COMMENTS, FIRST_NAMES, FREEMAIL_DOMAINS, LAST_NAMES, ORGANISATIONS, ROLES } from './seed-data.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { DEMO_LETTER, createLetter, findLetter, type LetterRow } from '../letters/index.js';
import { createOrganisation, matchOrganisation, organisationKey } from '../organisations/index.js';

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
function existingLetter(ctx: Context, slug: string): LetterRow | undefined {
  try {
    return findLetter(ctx.db, slug);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) return undefined;
    throw error;
  }
}

function ensureLetter(ctx: Context, slug: string): LetterRow {
  const existing = existingLetter(ctx, slug);
  // Its former signers are counted still: new signatures would count people twice, as reopening would.
  if (existing?.anonymisedAt) throw new AppError('letter_anonymised', 409, `The signatories of ${slug} were anonymised, so it takes no signatures, seeded ones included. Seed another letter.`);
  if (existing) return existing;
  return createLetter(ctx.db, { ...DEMO_LETTER, slug, moderation: 'post' }, ctx.now());
}

/**
 * Bulk development data. It writes rows with prepared statements rather than the signing use
 * case because a million signatures through HTTP-shaped code would take minutes; the count
 * triggers still run for every row, so counts stay honest.
 */
export function seedSignatures(ctx: Context, sqlite: SqliteConnection, options: SeedOptions): { letter: LetterRow; written: number } {
  const letter = ensureLetter(ctx, options.slug);
  const random = mulberry32(letter.id * 7919 + options.signatures);
  const organisationIds = seedOrganisations(ctx);
  const insert = sqlite.prepare(`
    INSERT OR IGNORE INTO signatures (letter_id, version_id, name, email, email_key, email_domain, title, organisation_text,
      organisation_id, comment, show_public, contact_updates, state, featured, affiliation_verified, mails_sent,
      ip_hash, ip_network, signed_at, confirmed_at, moderated_at, withdrawn_at, organisation_key)
    VALUES (@letterId, @versionId, @name, @email, @emailKey, @emailDomain, @title, @organisationText, @organisationId,
      @comment, @showPublic, @contactUpdates, @state, @featured, @verified, 1, NULL, NULL, @signedAt, @confirmedAt, @moderatedAt, @withdrawnAt, @organisationKey)`);
  const start = sqlite.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM signatures').get() as { id: number };
  const batch = options.batch ?? 20_000;
  // A large page cache keeps the seven indexes in memory while a million rows go in.
  sqlite.pragma('cache_size = -262144');
  const now = ctx.now().getTime();
  const spanMs = 14 * 24 * 60 * 60 * 1000;
  let written = 0;

  const writeBatch = sqlite.transaction((count: number) => {
    for (let i = 0; i < count; i += 1) {
      const n = start.id + written + i + 1;
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
      insert.run({
        letterId: letter.id,
        versionId: letter.currentVersionId,
        name: withdrawn ? '' : `${first} ${last}`,
        email: `${local}@${domain}`,
        emailKey: emailKeyOf(local, domain),
        emailDomain: domain,
        title: withdrawn ? '' : pick(random, ROLES),
        organisationText: typed,
        organisationKey: organisationKey(typed),
        organisationId: withdrawn || !organisation ? null : organisationIds.get(organisation.name) ?? null,
        comment: withdrawn ? '' : pick(random, COMMENTS),
        showPublic: random() < 0.9 ? 1 : 0,
        contactUpdates: random() < 0.3 ? 1 : 0,
        state,
        featured: state === 'approved' && random() < 0.0001 ? 1 : 0,
        verified: confirmed && worksThere && !withdrawn ? 1 : 0,
        signedAt,
        confirmedAt: confirmed ? signedAt + 60_000 : null,
        moderatedAt: state === 'rejected' || state === 'approved' ? signedAt + 3_600_000 : null,
        withdrawnAt: withdrawn ? signedAt + 86_400_000 : null,
      });
    }
  });

  while (written < options.signatures) {
    const count = Math.min(batch, options.signatures - written);
    writeBatch(count);
    written += count;
    options.onProgress?.(written);
  }
  sqlite.pragma('optimize');
  return { letter: findLetter(ctx.db, options.slug), written };
}

/** The fictional organisations, created through the organisations service like an organiser would. */
function seedOrganisations(ctx: Context): Map<string, number> {
  const ids = new Map<string, number>();
  for (const organisation of ORGANISATIONS) {
    const existing = matchOrganisation(ctx.db, organisation.name).organisationId;
    const id = existing ?? createOrganisation(ctx, { ...organisation, domains: [organisation.domain], actor: SYSTEM_ACTOR }).id;
    ids.set(organisation.name, id);
  }
  return ids;
}
