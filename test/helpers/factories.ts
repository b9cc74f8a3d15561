import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { Context } from '../../server/context.js';
import { first, one } from '../../server/db/database.js';
import { outbox, signatures } from '../../server/db/schema.js';
import { composeOutboxMail, createMailViews, type ComposedMail } from '../../server/mail/compose.js';
import { findLetter as findLetterBySlug } from '../../server/letters/find-letter.js';
import { createLetter, type LetterText, type NewLetter } from '../../server/letters/publish-version.js';
import { translateLetter } from '../../server/letters/manage-translations.js';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import type { LetterRow } from '../../server/letters/table.js';
import { organisationKey } from '../../server/organisations/normalise.js';
import { parseEmailAddress } from '../../server/lib/email-address.js';
import type { SignatureRow } from '../../server/signatures/table.js';
import type { TestApp } from './app.js';

let sequence = 0;
const next = (): number => ++sequence;

export function buildLetter(ctx: Pick<Context, 'db' | 'now'>, overrides: Partial<NewLetter> = {}): Promise<LetterRow> {
  const n = next();
  const letter: NewLetter = { slug: `letter-${n}-${randomUUID().slice(0, 6)}`, title: `Letter ${n}`, summary: `Summary ${n}`, body: `We, the undersigned, ask for change number ${n}.`, status: 'open', moderation: 'pre', ...overrides };
  return ctx.db.write((tx) => createLetter(tx, letter, ctx.now()));
}

/** A translation of a letter (its first version, or a new one when the text differs), as an organiser would add it. */
export async function addTranslation(ctx: Pick<Context, 'db' | 'now'>, letter: Pick<LetterRow, 'slug'>, lang: string, text: Partial<LetterText> = {}) {
  const words = { title: `Lettre ${lang}`, summary: `Résumé ${lang}`, body: `Nous, soussignés (${lang}), demandons un changement.`, ...text };
  return (await translateLetter(ctx, letter.slug, lang, words, SYSTEM_ACTOR)).version;
}

/** A signature row in any state, straight into the table: for tests about what happens to existing rows. */
export function buildSignature(ctx: Pick<Context, 'db' | 'now'>, letter: LetterRow, overrides: Partial<typeof signatures.$inferInsert> = {}): Promise<SignatureRow> {
  const n = next();
  const email = overrides.email ?? `signer${n}@example.org`;
  const confirmed = overrides.state && overrides.state !== 'unconfirmed';
  return ctx.db.write((tx) =>
    one(
      tx
        .insert(signatures)
        .values({
          letterId: letter.id,
          versionId: letter.currentVersionId ?? 0,
          name: `Signer ${n}`,
          email,
          emailKey: keyOf(email),
          emailDomain: email.split('@')[1] ?? 'example.org',
          title: 'Engineer',
          organisationText: 'Example Org',
          organisationKey: organisationKey(overrides.organisationText ?? 'Example Org'),
          signedAt: ctx.now(),
          confirmedAt: confirmed ? ctx.now() : null,
          ...overrides,
        })
        .returning(),
    ),
  );
}

export const signForm = (overrides: Record<string, string> = {}): Record<string, string> => ({
  name: `Ada Lovelace ${next()}`,
  email: `ada${next()}@example.org`,
  organisation: 'Analytical Engines Ltd',
  title: 'Researcher',
  comment: 'Defenders need these tools.',
  ...overrides,
});

export const postSignature = (app: TestApp['app'], slug: string, fields: Record<string, string>) =>
  request(app).post(`/letters/${slug}/signatures`).type('form').send(fields);

export const reloadLetter = (ctx: Pick<Context, 'db'>, slug: string): Promise<LetterRow> => findLetterBySlug(ctx.db, slug);

/** The signature stored under an address's key (as the form would make it from `email`). */
export const signatureByEmail = (ctx: Pick<Context, 'db'>, email: string): Promise<SignatureRow | undefined> =>
  first(ctx.db.select().from(signatures).where(eq(signatures.emailKey, keyOf(email))));

const keyOf = (email: string): string => parseEmailAddress(email)?.key ?? email.toLowerCase();

const mailViews = createMailViews();

/** The outbox's mails (those to one address), oldest first, rendered as the worker sends them. */
export async function outboxFor(ctx: Pick<Context, 'db'>, to?: string): Promise<ComposedMail[]> {
  const rows = await ctx.db.select().from(outbox).where(to ? eq(outbox.toAddress, to) : undefined).orderBy(outbox.id);
  return rows.map((row) => composeOutboxMail(mailViews, row));
}

/** The confirm, withdraw or edit token in the newest queued mail to an address (as typed in a form: mail goes to its normalised spelling). */
export async function tokenFromOutbox(ctx: Pick<Context, 'db'>, to: string, purpose: 'confirm' | 'withdraw' | 'edit'): Promise<string> {
  const mails = (await outboxFor(ctx, parseEmailAddress(to)?.email ?? to)).reverse();
  for (const mail of mails) {
    const match = mail.textBody.match(new RegExp(`/signatures/${purpose}/([A-Za-z0-9_-]+)`));
    if (match?.[1]) return match[1];
  }
  throw new Error(`no ${purpose} link in mail to ${to}`);
}

/** Signs through the public form and presses Confirm in the mail's link: the whole signer's path. */
export async function signAndConfirm(t: Pick<TestApp, 'app' | 'ctx'>, slug: string, fields: Record<string, string>): Promise<SignatureRow> {
  const form = signForm(fields);
  await postSignature(t.app, slug, form).expect(303);
  await request(t.app).post(`/signatures/confirm/${await tokenFromOutbox(t.ctx, form.email!, 'confirm')}`).expect(200);
  const signature = await signatureByEmail(t.ctx, form.email!);
  if (!signature) throw new Error(`no signature for ${form.email}`);
  return signature;
}
