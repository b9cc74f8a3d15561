import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { letterUpdates } from '../../server/db/schema.js';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { fillUpdateOutbox } from '../../server/updates/index.js';
import { buildTestApp } from '../helpers/app.js';
import { auditRows } from '../helpers/admin-pages.js';
import { sqlRows } from '../helpers/database.js';
import { buildLetter, buildSignature, signatureByEmail } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { closedAfterEach, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';
import { draftThroughForm, signersOfEveryKind, updatesPath } from './helpers.js';

const opened = closedAfterEach();

const EVERYTHING = { batchSize: 1000, backlogLimit: 1000 };

/** An app whose owner sent an update to `recipients` approved signers who asked for updates (none queued yet). */
async function updateSentTo(recipients: number) {
  const t = (opened.app = await buildTestApp());
  const letter = await buildLetter(t.ctx);
  const owner = await loginAs(t, 'owner');
  for (let i = 0; i < recipients; i += 1) await buildSignature(t.ctx, letter, { email: `signer${i}@example.org`, state: 'approved', contactUpdates: true });
  const id = await draftThroughForm(owner, letter.slug);
  await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303);
  return { t, id };
}

describe('updates to signers', () => {
  it('when an owner previews and sends an update, then each confirmed signer who asked gets it once over SMTP, with both parts and one-click unsubscribe headers, and a POST without Origin unsubscribes', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    const letter = await buildLetter(t.ctx, { title: 'Keep encryption strong' });
    const { recipients } = await signersOfEveryKind(t, letter);
    const owner = await loginAs(t, 'owner');

    const id = await draftThroughForm(owner, letter.slug, { subject: 'Delivered <today>', body: 'We handed it **in person**.\n\n<script>alert(1)</script>' });
    const preview = (await owner.agent.get(`${updatesPath(letter.slug)}/${id}`).expect(200)).text;
    expect(preview).toMatch(/id="update-recipients">If sent now, it goes to <strong>2<\/strong> signers/);
    expect(preview).toContain('<strong>in person</strong>');
    expect(preview).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview).toContain('Send to 2 signers');

    // A double click: the second press finds the update sent and sends nothing more.
    await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303).expect('location', `${updatesPath(letter.slug)}/${id}?done=sent`);
    await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303).expect('location', `${updatesPath(letter.slug)}/${id}?done=already-sent`);
    expect(await auditRows(t, 'update.send')).toHaveLength(1);
    expect((await auditRows(t, 'update.send'))[0]).toMatchObject({ subject: `letter:${letter.slug}`, details: { updateId: id, recipients: 2 } });

    expect(await fillUpdateOutbox(t.ctx, EVERYTHING)).toBe(2);
    expect(await fillUpdateOutbox(t.ctx, EVERYTHING)).toBe(0);
    await t.worker.drain();
    const mails = await peer.waitForMessages(2);
    expect(mails.map((mail) => mail.to && 'value' in mail.to ? mail.to.value[0]?.address : '').sort()).toEqual(recipients.map((r) => r.email).sort());
    for (const mail of mails) {
      expect(mail.subject).toBe('Delivered <today> (Keep encryption strong)');
      expect(mail.text).toContain('We handed it **in person**.');
      expect(mail.html).toContain('<strong>in person</strong>');
      expect(mail.html).not.toContain('<script>');
      // As the peer received them, unfolded (RFC 5322 lets a long header go on the next line).
      const raw = Object.fromEntries(mail.headerLines.map((line) => [line.key, line.line.replace(/\r\n(?=[ \t])/g, '')]));
      expect(raw['list-unsubscribe']).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1\/unsubscribe\/[\w-]{43}>$/);
      expect(raw['list-unsubscribe-post']).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    }
    const progress = (await owner.agent.get(`${updatesPath(letter.slug)}/${id}`).expect(200)).text;
    expect(progress).toContain('queued 2 / sent 2');

    const approvedMail = mails.find((mail) => mail.text?.includes('Approved Signer'));
    const url = new URL(/<(.*)>/.exec(String(approvedMail?.headerLines.find((line) => line.key === 'list-unsubscribe')?.line.replace(/\r\n/g, '')))?.[1] ?? '');
    const page = await request(t.app).get(url.pathname).expect(200);
    expect(page.text).toContain('Stop updates');
    expect((await signatureByEmail(t.ctx, 'approved@example.org'))?.contactUpdates).toBe(true);
    // What a mail provider sends: no Origin, no cookie, RFC 8058's body.
    for (let i = 0; i < 2; i += 1) {
      const done = await request(t.app).post(url.pathname).type('form').send('List-Unsubscribe=One-Click').expect(200);
      expect(done.text).toContain('You get no more updates');
    }
    expect((await signatureByEmail(t.ctx, 'approved@example.org'))?.contactUpdates).toBe(false);
    expect((await signatureByEmail(t.ctx, 'approved@example.org'))?.state).toBe('approved');
    // Even from another site it only stops updates for this one link's signature.
    await request(t.app).post(url.pathname).set('Origin', 'https://mail-provider.example').expect(200);

    const second = await draftThroughForm(owner, letter.slug);
    expect((await owner.agent.get(`${updatesPath(letter.slug)}/${second}`)).text).toMatch(/goes to <strong>1<\/strong> signer /);
  });

  it('when the filler is interrupted between batches, loses its place or runs twice at once, then no signer is ever queued twice and all are queued in the end', async () => {
    const { t, id } = await updateSentTo(7);

    expect(await fillUpdateOutbox(t.ctx, { batchSize: 2, backlogLimit: 100 })).toBe(2);
    // A crash that lost the filler's place: it starts from the beginning again.
    await t.ctx.db.write((tx) => tx.update(letterUpdates).set({ filledThrough: 0 }).where(eq(letterUpdates.id, id)));
    const runs = await Promise.allSettled([fillUpdateOutbox(t.ctx, { batchSize: 3, backlogLimit: 100 }), fillUpdateOutbox(t.ctx, { batchSize: 3, backlogLimit: 100 })]);
    expect(runs.some((run) => run.status === 'fulfilled')).toBe(true);
    while ((await fillUpdateOutbox(t.ctx, { batchSize: 3, backlogLimit: 100 })) > 0);
    const mails = await sqlRows<{ to_address: string; n: number }>(t, "SELECT to_address, count(*) AS n FROM outbox WHERE kind = 'update' GROUP BY to_address");
    expect(mails).toHaveLength(7);
    expect(mails.every((row) => Number(row.n) === 1)).toBe(true);
    expect(await sqlRows(t, `SELECT signature_id FROM update_deliveries WHERE update_id = ${id}`)).toHaveLength(7);
    expect((await sqlRows<{ state: string }>(t, `SELECT state FROM letter_updates WHERE id = ${id}`))[0]?.state).toBe('sent');
  });

  it('when a minute’s worth of update mail is still waiting, then the filler queues no more until the outbox drains', async () => {
    const { t } = await updateSentTo(5);
    const limits = { batchSize: 10, backlogLimit: 3 };
    expect(await fillUpdateOutbox(t.ctx, limits)).toBe(3);
    expect(await fillUpdateOutbox(t.ctx, limits)).toBe(0);
    await t.worker.drain();
    expect(await fillUpdateOutbox(t.ctx, limits)).toBe(2);
  });

  it('when a signer signs after Send was pressed, then that update does not go to them', async () => {
    const t = (opened.app = await buildTestApp());
    const letter = await buildLetter(t.ctx);
    const owner = await loginAs(t, 'owner');
    await buildSignature(t.ctx, letter, { email: 'early@example.org', state: 'approved', contactUpdates: true });
    const id = await draftThroughForm(owner, letter.slug);
    await owner.post(`${updatesPath(letter.slug)}/${id}/send`).expect(303);
    await buildSignature(t.ctx, letter, { email: 'late@example.org', state: 'approved', contactUpdates: true });
    expect(await fillUpdateOutbox(t.ctx, EVERYTHING)).toBe(1);
    expect(await sqlRows(t, "SELECT id FROM outbox WHERE to_address = 'late@example.org'")).toEqual([]);
  });
});

