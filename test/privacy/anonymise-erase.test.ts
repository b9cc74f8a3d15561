import { first, one } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/audit/record.js';
import { auditEvents, letters, organisations, organisers, outbox, signatures, signatureTokens } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { enqueueMail } from '../../server/mail/outbox.js';
import { anonymiseLetter } from '../../server/privacy/anonymise-letter.js';
import { eraseSigner } from '../../server/privacy/erase-signer.js';
import type { SignatureRow } from '../../server/signatures/table.js';
import { issueToken } from '../../server/signatures/tokens.js';
import { AppError } from '../../server/web/errors.js';
import { appPerTest } from '../helpers/app.js';
import { exportToText } from '../helpers/csv.js';
import { buildLetter, buildSignature, outboxFor, postSignature, reloadLetter, signatureByEmail, signForm } from '../helpers/factories.js';

const t = appPerTest();
let owner: Actor;
let ownerId: number;
beforeEach(async () => {
  const organiser = await t.ctx.db.write(async (tx) => one(tx.insert(organisers).values({ email: 'owner@example.org', name: 'Owner', role: 'owner', passwordHash: 'not-used' }).returning()));
  ownerId = organiser.id;
  owner = { kind: 'organiser', id: ownerId, label: organiser.email };
});

const DAY = 24 * 60 * 60 * 1000;
const operator = { kind: 'system', label: 'test' } as const;

function mailTo(signature: Pick<SignatureRow, 'id' | 'email' | 'name'>, kind: 'confirm-signature' | 'signature-confirmed' = 'signature-confirmed'): Promise<string> {
  return t.ctx.db.write(async (tx) => {
    const token = await issueToken(tx, signature.id, 'withdraw', 365, t.clock.now());
    const data = { letterTitle: 'L', name: signature.name, withdrawUrl: `${t.config.baseUrl}/signatures/withdraw/${token}`, confirmUrl: 'u', letterUrl: 'u', expiresDays: 7, moderated: false, versionHash: 'h' };
    await enqueueMail(tx, { kind, to: signature.email, content: data, signatureId: signature.id }, t.clock.now(), 'example.org');
    return token;
  });
}

const refusal = async (run: () => unknown): Promise<AppError> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('anonymising a letter', () => {
  const closedLetter = (daysAgo: number): Promise<LetterRow> => buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() - daysAgo * DAY) });

  it('when the letter is still open, then it is refused and nothing changes', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'approved' });
    expect(await refusal(() => anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner }))).toMatchObject({ id: 'letter_not_closed', status: 409 });
    expect(await signatureByEmail(t.ctx, signature.email)).toEqual(signature);
  });

  it('when the letter closed less than 30 days ago, then it is refused with the date it becomes possible', async () => {
    const letter = await closedLetter(29);
    await buildSignature(t.ctx, letter, { state: 'approved' });
    const error = await refusal(() => anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner }));
    expect(error).toMatchObject({ id: 'letter_closed_recently', status: 409 });
    expect(error.message).toContain('2026-11-02 09:00 UTC');
    expect(await t.ctx.db.select().from(auditEvents)).toEqual([]);
  });

  it('when a letter was closed by hand, then the wait counts from its last change', async () => {
    const letter = await buildLetter(t.ctx);
    await t.ctx.db.write(async (tx) => (await tx.update(letters).set({ status: 'closed', updatedAt: new Date(t.clock.now().getTime() - 10 * DAY) }).where(eq(letters.id, letter.id))));
    expect((await refusal(() => anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner }))).id).toBe('letter_closed_recently');
    t.clock.advanceDays(20);
    expect((await anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner })).alreadyAnonymised).toBe(false);
  });

  it('when closed for 30 days, then names, addresses, roles, organisations, comments, links and mail are erased and the counts stay', async () => {
    const letter = await closedLetter(30);
    const organisation = await t.ctx.db.write(async (tx) => (await one(tx.insert(organisations).values({ name: 'Org', nameKey: 'org' }).returning())));
    const approved = await buildSignature(t.ctx, letter, { state: 'approved', organisationId: organisation.id, comment: 'Signed!', ipHash: 'h', ipNetwork: 'n', moderationNote: 'known person', featured: true });
    const pending = await buildSignature(t.ctx, letter, { state: 'pending', holdReason: 'famous name' });
    const withdrawn = await buildSignature(t.ctx, letter, { state: 'withdrawn' });
    const withdrawToken = await mailTo(approved);
    const otherLetter = await buildLetter(t.ctx);
    const untouched = await buildSignature(t.ctx, otherLetter, { state: 'approved' });
    await mailTo(untouched);
    const countsBefore = await reloadLetter(t.ctx, letter.slug);

    const result = await anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner });

    expect(result).toMatchObject({ slug: letter.slug, signatures: 3, mailsDeleted: 1, alreadyAnonymised: false });
    const rows = await t.ctx.db.select().from(signatures).where(eq(signatures.letterId, letter.id));
    for (const row of rows) {
      expect(row).toMatchObject({ name: '', email: '', emailKey: `erased:${row.id}`, emailDomain: '', title: '', organisationText: '', comment: '', ipHash: null, ipNetwork: null, moderationNote: null, holdReason: null, featured: false, showPublic: false });
    }
    expect(rows.map((row) => row.state)).toEqual([approved.state, pending.state, withdrawn.state]);
    expect(rows[0]?.organisationId).toBe(organisation.id);
    const after = await reloadLetter(t.ctx, letter.slug);
    expect(after).toMatchObject({ countApproved: countsBefore.countApproved, countPending: countsBefore.countPending, countWithdrawn: countsBefore.countWithdrawn, countListed: 0, anonymisedAt: t.clock.now() });
    expect((await t.ctx.db.select().from(signatureTokens)).map((token) => token.signatureId)).toEqual([untouched.id]);
    expect((await outboxFor(t.ctx)).map((mail) => mail.signatureId)).toEqual([untouched.id]);
    expect(await first(t.ctx.db.select().from(signatures).where(eq(signatures.id, untouched.id)))).toEqual(untouched);
    expect((await request(t.app).get(`/signatures/withdraw/${withdrawToken}`)).status).toBe(404);

    const event = await first(t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'letter.anonymise')));
    expect(event).toMatchObject({ actor: 'owner@example.org', organiserId: ownerId, subject: `letter:${letter.slug}`, details: { signatures: 3, mailsDeleted: 1 } });
    const { text } = await exportToText(t.ctx, { letterId: letter.id });
    expect(text).not.toMatch(/Signer|example\.org|Engineer|Example Org|Signed!/);
  });

  it('when asked again, then nothing more happens and nothing more is recorded', async () => {
    const letter = await closedLetter(40);
    await buildSignature(t.ctx, letter, { state: 'approved' });
    const first = await anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner });
    t.clock.advanceDays(1);
    const second = await anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner });
    expect(second).toEqual({ ...first, signatures: 0, mailsDeleted: 0, alreadyAnonymised: true });
    expect(await t.ctx.db.select().from(auditEvents)).toHaveLength(1);
  });

  it('when the letter does not exist, then 404', async () => {
    expect((await refusal(() => anonymiseLetter(t.ctx, { letterId: 404, actor: owner }))).status).toBe(404);
  });
});

describe('erasing a signer', () => {
  it('when an owner erases an address, then every signature by it on every letter is withdrawn and erased, and its mail deleted', async () => {
    const first = await buildLetter(t.ctx, { moderation: 'post' });
    const second = await buildLetter(t.ctx);
    await postSignature(t.app, first.slug, signForm({ email: 'Erase.Me@Example.org', name: 'Erase Me' })).expect(303);
    const onSecond = await buildSignature(t.ctx, second, { state: 'approved', email: 'erase.me@example.org', ipHash: 'h', ipNetwork: 'n', organisationId: null, affiliationVerified: true });
    await mailTo(onSecond);
    const bystander = await buildSignature(t.ctx, second, { state: 'approved', email: 'stay@example.org' });
    await mailTo(bystander);
    const firstSigned = await reloadLetter(t.ctx, first.slug);
    expect(firstSigned.countUnconfirmed).toBe(1);

    const result = await eraseSigner(t.ctx, { email: '  ERASE.me@example.ORG ', actor: owner });

    expect(result).toEqual({ signatures: 2, endorsements: 0, mailsDeleted: 2 });
    const erased = await t.ctx.db.select().from(signatures).where(eq(signatures.state, 'withdrawn'));
    expect(erased).toHaveLength(2);
    for (const row of erased) {
      expect(row).toMatchObject({ name: '', email: '', emailKey: `erased:${row.id}`, emailDomain: '', title: '', organisationText: '', comment: '', ipHash: null, ipNetwork: null, affiliationVerified: false, withdrawnAt: t.clock.now() });
    }
    expect(await reloadLetter(t.ctx, first.slug)).toMatchObject({ countUnconfirmed: 0, countWithdrawn: 1 });
    expect(await reloadLetter(t.ctx, second.slug)).toMatchObject({ countApproved: 1, countListed: 1, countWithdrawn: 1 });
    expect((await t.ctx.db.select().from(outbox)).map((mail) => mail.toAddress)).toEqual(['stay@example.org']);
    expect((await t.ctx.db.select().from(signatureTokens)).map((token) => token.signatureId)).toEqual([bystander.id]);
    expect(await signatureByEmail(t.ctx, 'stay@example.org')).toEqual(bystander);

    const [event] = await t.ctx.db.select().from(auditEvents).limit(1);
    expect(event).toMatchObject({ action: 'signer.erase', actor: 'owner@example.org', details: { signatures: 2, mailsDeleted: 2 } });
    expect(JSON.stringify(event)).not.toMatch(/erase\.me/i);

    await postSignature(t.app, first.slug, signForm({ email: 'erase.me@example.org', name: 'Back Again' })).expect(303);
    expect(await signatureByEmail(t.ctx, 'erase.me@example.org')).toMatchObject({ name: 'Back Again', state: 'unconfirmed' });
  });

  it('when mail went to the address without a signature link, then it is deleted too', async () => {
    await t.ctx.db.write((tx) => enqueueMail(tx, { kind: 'already-signed', to: 'Someone@Example.org', content: { letterTitle: 'L', name: 'S', withdrawUrl: 'u', letterUrl: 'u' } }, t.clock.now(), 'example.org'));
    expect(await eraseSigner(t.ctx, { email: 'someone@example.org', actor: operator })).toEqual({ signatures: 0, endorsements: 0, mailsDeleted: 1 });
  });

  it('when the address never signed, then nothing changes but the request is still recorded', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'approved' });
    await mailTo(signature);
    const outboxBefore = await t.ctx.db.select().from(outbox);
    expect(await eraseSigner(t.ctx, { email: 'nobody@example.org', actor: operator })).toEqual({ signatures: 0, endorsements: 0, mailsDeleted: 0 });
    expect(await signatureByEmail(t.ctx, signature.email)).toEqual(signature);
    expect(await t.ctx.db.select().from(outbox)).toEqual(outboxBefore);
    expect(await t.ctx.db.select().from(auditEvents)).toHaveLength(1);
  });

  it('when the address is not an email address, then 422', async () => {
    expect(await refusal(() => eraseSigner(t.ctx, { email: 'not an address', actor: operator }))).toMatchObject({ id: 'invalid_email', status: 422 });
  });
});
