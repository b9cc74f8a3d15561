import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/audit/record.js';
import { auditEvents, letters, organisations, organisers, outbox, signatures, signatureTokens } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { composeMail, enqueueMail } from '../../server/mail/outbox.js';
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
beforeEach(() => {
  const organiser = t.ctx.db.insert(organisers).values({ email: 'owner@example.org', name: 'Owner', role: 'owner', passwordHash: 'not-used' }).returning().get();
  ownerId = organiser.id;
  owner = { kind: 'organiser', id: ownerId, label: organiser.email };
});

const DAY = 24 * 60 * 60 * 1000;
const operator = { kind: 'system', label: 'test' } as const;

function mailTo(signature: Pick<SignatureRow, 'id' | 'email' | 'name'>, kind: 'confirm-signature' | 'signature-confirmed' = 'signature-confirmed'): string {
  return t.ctx.db.transaction((tx) => {
    const token = issueToken(tx, signature.id, 'withdraw', 365, t.clock.now());
    const data = { letterTitle: 'L', name: signature.name, withdrawUrl: `${t.config.baseUrl}/signatures/withdraw/${token}`, confirmUrl: 'u', letterUrl: 'u', expiresDays: 7, moderated: false, versionHash: 'h' };
    enqueueMail(tx, composeMail(t.ctx.views, kind, signature.email, data, signature.id), t.clock.now(), 'example.org');
    return token;
  });
}

const refusal = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('anonymising a letter', () => {
  const closedLetter = (daysAgo: number): LetterRow => buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() - daysAgo * DAY) });

  it('when the letter is still open, then it is refused and nothing changes', () => {
    const letter = buildLetter(t.ctx);
    const signature = buildSignature(t.ctx, letter, { state: 'approved' });
    expect(refusal(() => anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner }))).toMatchObject({ id: 'letter_not_closed', status: 409 });
    expect(signatureByEmail(t.ctx, signature.email)).toEqual(signature);
  });

  it('when the letter closed less than 30 days ago, then it is refused with the date it becomes possible', () => {
    const letter = closedLetter(29);
    buildSignature(t.ctx, letter, { state: 'approved' });
    const error = refusal(() => anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner }));
    expect(error).toMatchObject({ id: 'letter_closed_recently', status: 409 });
    expect(error.message).toContain('2026-11-02 09:00 UTC');
    expect(t.ctx.db.select().from(auditEvents).all()).toEqual([]);
  });

  it('when a letter was closed by hand, then the wait counts from its last change', () => {
    const letter = buildLetter(t.ctx);
    t.ctx.db.update(letters).set({ status: 'closed', updatedAt: new Date(t.clock.now().getTime() - 10 * DAY) }).where(eq(letters.id, letter.id)).run();
    expect(refusal(() => anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner })).id).toBe('letter_closed_recently');
    t.clock.advanceDays(20);
    expect(anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner }).alreadyAnonymised).toBe(false);
  });

  it('when closed for 30 days, then names, addresses, roles, organisations, comments, links and mail are erased and the counts stay', async () => {
    const letter = closedLetter(30);
    const organisation = t.ctx.db.insert(organisations).values({ name: 'Org', nameKey: 'org' }).returning().get();
    const approved = buildSignature(t.ctx, letter, { state: 'approved', organisationId: organisation.id, comment: 'Signed!', ipHash: 'h', ipNetwork: 'n', moderationNote: 'known person', featured: true });
    const pending = buildSignature(t.ctx, letter, { state: 'pending', holdReason: 'famous name' });
    const withdrawn = buildSignature(t.ctx, letter, { state: 'withdrawn' });
    const withdrawToken = mailTo(approved);
    const otherLetter = buildLetter(t.ctx);
    const untouched = buildSignature(t.ctx, otherLetter, { state: 'approved' });
    mailTo(untouched);
    const countsBefore = reloadLetter(t.ctx, letter.slug);

    const result = anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner });

    expect(result).toMatchObject({ slug: letter.slug, signatures: 3, mailsDeleted: 1, alreadyAnonymised: false });
    const rows = t.ctx.db.select().from(signatures).where(eq(signatures.letterId, letter.id)).all();
    for (const row of rows) {
      expect(row).toMatchObject({ name: '', email: '', emailKey: `erased:${row.id}`, emailDomain: '', title: '', organisationText: '', comment: '', ipHash: null, ipNetwork: null, moderationNote: null, holdReason: null, featured: false, showPublic: false });
    }
    expect(rows.map((row) => row.state)).toEqual([approved.state, pending.state, withdrawn.state]);
    expect(rows[0]?.organisationId).toBe(organisation.id);
    const after = reloadLetter(t.ctx, letter.slug);
    expect(after).toMatchObject({ countApproved: countsBefore.countApproved, countPending: countsBefore.countPending, countWithdrawn: countsBefore.countWithdrawn, countListed: 0, anonymisedAt: t.clock.now() });
    expect(t.ctx.db.select().from(signatureTokens).all().map((token) => token.signatureId)).toEqual([untouched.id]);
    expect(outboxFor(t.ctx).map((mail) => mail.signatureId)).toEqual([untouched.id]);
    expect(t.ctx.db.select().from(signatures).where(eq(signatures.id, untouched.id)).get()).toEqual(untouched);
    expect((await request(t.app).get(`/signatures/withdraw/${withdrawToken}`)).status).toBe(404);

    const event = t.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'letter.anonymise')).get();
    expect(event).toMatchObject({ actor: 'owner@example.org', organiserId: ownerId, subject: `letter:${letter.slug}`, details: { signatures: 3, mailsDeleted: 1 } });
    const { text } = await exportToText(t.ctx, { letterId: letter.id });
    expect(text).not.toMatch(/Signer|example\.org|Engineer|Example Org|Signed!/);
  });

  it('when asked again, then nothing more happens and nothing more is recorded', () => {
    const letter = closedLetter(40);
    buildSignature(t.ctx, letter, { state: 'approved' });
    const first = anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner });
    t.clock.advanceDays(1);
    const second = anonymiseLetter(t.ctx, { letterId: letter.id, actor: owner });
    expect(second).toEqual({ ...first, signatures: 0, mailsDeleted: 0, alreadyAnonymised: true });
    expect(t.ctx.db.select().from(auditEvents).all()).toHaveLength(1);
  });

  it('when the letter does not exist, then 404', () => {
    expect(refusal(() => anonymiseLetter(t.ctx, { letterId: 404, actor: owner })).status).toBe(404);
  });
});

describe('erasing a signer', () => {
  it('when an owner erases an address, then every signature by it on every letter is withdrawn and erased, and its mail deleted', async () => {
    const first = buildLetter(t.ctx, { moderation: 'post' });
    const second = buildLetter(t.ctx);
    await postSignature(t.app, first.slug, signForm({ email: 'Erase.Me@Example.org', name: 'Erase Me' })).expect(303);
    const onSecond = buildSignature(t.ctx, second, { state: 'approved', email: 'erase.me@example.org', ipHash: 'h', ipNetwork: 'n', organisationId: null, affiliationVerified: true });
    mailTo(onSecond);
    const bystander = buildSignature(t.ctx, second, { state: 'approved', email: 'stay@example.org' });
    mailTo(bystander);
    const firstSigned = reloadLetter(t.ctx, first.slug);
    expect(firstSigned.countUnconfirmed).toBe(1);

    const result = eraseSigner(t.ctx, { email: '  ERASE.me@example.ORG ', actor: owner });

    expect(result).toEqual({ signatures: 2, mailsDeleted: 2 });
    const erased = t.ctx.db.select().from(signatures).where(eq(signatures.state, 'withdrawn')).all();
    expect(erased).toHaveLength(2);
    for (const row of erased) {
      expect(row).toMatchObject({ name: '', email: '', emailKey: `erased:${row.id}`, emailDomain: '', title: '', organisationText: '', comment: '', ipHash: null, ipNetwork: null, affiliationVerified: false, withdrawnAt: t.clock.now() });
    }
    expect(reloadLetter(t.ctx, first.slug)).toMatchObject({ countUnconfirmed: 0, countWithdrawn: 1 });
    expect(reloadLetter(t.ctx, second.slug)).toMatchObject({ countApproved: 1, countListed: 1, countWithdrawn: 1 });
    expect(t.ctx.db.select().from(outbox).all().map((mail) => mail.toAddress)).toEqual(['stay@example.org']);
    expect(t.ctx.db.select().from(signatureTokens).all().map((token) => token.signatureId)).toEqual([bystander.id]);
    expect(signatureByEmail(t.ctx, 'stay@example.org')).toEqual(bystander);

    const event = t.ctx.db.select().from(auditEvents).get();
    expect(event).toMatchObject({ action: 'signer.erase', actor: 'owner@example.org', details: { signatures: 2, mailsDeleted: 2 } });
    expect(JSON.stringify(event)).not.toMatch(/erase\.me/i);

    await postSignature(t.app, first.slug, signForm({ email: 'erase.me@example.org', name: 'Back Again' })).expect(303);
    expect(signatureByEmail(t.ctx, 'erase.me@example.org')).toMatchObject({ name: 'Back Again', state: 'unconfirmed' });
  });

  it('when mail went to the address without a signature link, then it is deleted too', () => {
    t.ctx.db.transaction((tx) => enqueueMail(tx, composeMail(t.ctx.views, 'already-signed', 'Someone@Example.org', { letterTitle: 'L', name: 'S', withdrawUrl: 'u', letterUrl: 'u' }), t.clock.now(), 'example.org'));
    expect(eraseSigner(t.ctx, { email: 'someone@example.org', actor: operator })).toEqual({ signatures: 0, mailsDeleted: 1 });
  });

  it('when the address never signed, then nothing changes but the request is still recorded', () => {
    const letter = buildLetter(t.ctx);
    const signature = buildSignature(t.ctx, letter, { state: 'approved' });
    mailTo(signature);
    const outboxBefore = t.ctx.db.select().from(outbox).all();
    expect(eraseSigner(t.ctx, { email: 'nobody@example.org', actor: operator })).toEqual({ signatures: 0, mailsDeleted: 0 });
    expect(signatureByEmail(t.ctx, signature.email)).toEqual(signature);
    expect(t.ctx.db.select().from(outbox).all()).toEqual(outboxBefore);
    expect(t.ctx.db.select().from(auditEvents).all()).toHaveLength(1);
  });

  it('when the address is not an email address, then 422', () => {
    expect(refusal(() => eraseSigner(t.ctx, { email: 'not an address', actor: operator }))).toMatchObject({ id: 'invalid_email', status: 422 });
  });
});
