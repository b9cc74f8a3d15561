import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { Context } from '../../server/context.js';
import { endorsements } from '../../server/db/schema.js';
import { parseEmailAddress } from '../../server/lib/email-address.js';
import type { TestApp } from './app.js';
import { outboxFor } from './factories.js';

let sequence = 0;

/** A valid endorse form; each call a new representative's address. */
export function endorseFields(overrides: Record<string, string> = {}): Record<string, string> {
  sequence += 1;
  return { organisation: 'Open Rights Group', name: `Rosa Parks ${sequence}`, email: `rosa${sequence}@openrights.example`, role: 'Director', statement: 'We stand with the signatories.', ...overrides };
}

export const postEndorsement = (app: TestApp['app'], slug: string, fields: Record<string, string>) => request(app).post(`/letters/${slug}/endorsements`).type('form').send(fields);

/** The confirm token in the newest queued mail to an address. */
export async function endorsementTokenFromOutbox(ctx: Pick<Context, 'db'>, to: string): Promise<string> {
  for (const mail of (await outboxFor(ctx, parseEmailAddress(to)?.email ?? to)).reverse()) {
    const match = mail.textBody.match(/\/endorsements\/confirm\/([A-Za-z0-9_-]+)/);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no endorsement confirm link in mail to ${to}`);
}

/** The stored endorsements of a letter, oldest first. */
export const endorsementsOf = async (ctx: Pick<Context, 'db'>, letterId: number) =>
  ctx.db.select().from(endorsements).where(eq(endorsements.letterId, letterId)).orderBy(endorsements.id);

/** Sends the form and presses Confirm in the mailed link: the representative's whole path. Returns the endorsement's id. */
export async function endorseAndConfirm(t: Pick<TestApp, 'app' | 'ctx'>, slug: string, fields: Record<string, string>): Promise<number> {
  await postEndorsement(t.app, slug, fields).expect(303);
  await request(t.app).post(`/endorsements/confirm/${await endorsementTokenFromOutbox(t.ctx, fields.email!)}`).expect(200);
  const key = parseEmailAddress(fields.email!)?.key;
  const [row] = await t.ctx.db.select().from(endorsements).where(eq(endorsements.emailKey, key ?? ''));
  if (!row) throw new Error(`no endorsement by ${fields.email}`);
  return row.id;
}

/** The endorsement ids on an admin page, in the order shown. */
export const endorsementIdsOnPage = (html: string): number[] => [...html.matchAll(/<tr data-endorsement-id="(\d+)"/g)].map((match) => Number(match[1]));

/** An endorsement row in any state, straight into the table: for pages that need some to show. */
export async function buildEndorsement(ctx: Pick<Context, 'db' | 'now'>, letter: { id: number; currentVersionId: number | null }, overrides: Partial<typeof endorsements.$inferInsert> = {}) {
  sequence += 1;
  const email = overrides.email ?? `rep${sequence}@union.example`;
  const [row] = await ctx.db.write((tx) =>
    tx
      .insert(endorsements)
      .values({
        letterId: letter.id,
        versionId: letter.currentVersionId ?? 0,
        organisationText: `Union ${sequence}`,
        organisationKey: `union ${sequence}`,
        representativeName: `Representative ${sequence}`,
        representativeRole: 'Secretary',
        email,
        emailKey: email,
        emailDomain: email.split('@')[1] ?? 'union.example',
        state: 'pending',
        submittedAt: ctx.now(),
        confirmedAt: ctx.now(),
        ...overrides,
      })
      .returning(),
  );
  return row!;
}
