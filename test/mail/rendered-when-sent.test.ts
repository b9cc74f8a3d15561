import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { first } from '../../server/db/database.js';
import { outbox } from '../../server/db/schema.js';
import { createSmtpTransport } from '../../server/mail/transport.js';
import { buildTestApp } from '../helpers/app.js';
import { buildLetter, postSignature, signForm } from '../helpers/factories.js';
import { closedAfterEach, linkIn, smtpSettingsFor, startSmtpPeer } from '../helpers/smtp.js';

const opened = closedAfterEach();

describe('mail rendered when it is sent', () => {
  it('when someone signs, then the outbox row holds what the mail says, not the rendered mail; the worker renders both parts when it sends', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    const letter = await buildLetter(t.ctx, { title: 'Keep & <Protect> Encryption' });
    await postSignature(t.app, letter.slug, signForm({ email: 'ada@example.org', name: 'Ada <b>Lovelace</b>' })).expect(303);

    const row = await first(t.ctx.db.select().from(outbox).where(eq(outbox.toAddress, 'ada@example.org')));
    expect(row?.textBody).toBeNull();
    expect(row?.htmlBody).toBeNull();
    expect(JSON.parse(row?.content ?? '{}')).toMatchObject({ letterTitle: 'Keep & <Protect> Encryption' });
    // The name typed in the form is not needed by this mail, so it is not kept with it.
    expect(row?.content).not.toContain('Lovelace');
    expect(row?.subject).toBe('Confirm your signature: Keep & <Protect> Encryption');

    await t.worker.drain();
    const [mail] = await peer.waitForMessages(1);
    expect(mail?.subject).toBe('Confirm your signature: Keep & <Protect> Encryption');
    expect(mail?.text).toContain('Keep & <Protect> Encryption');
    expect(mail?.html).toContain('Keep &amp; &lt;Protect&gt; Encryption');
    // A mail to an address nobody has confirmed yet says nothing the sender typed.
    expect(`${mail?.text} ${mail?.html}`).not.toContain('Lovelace');
    expect(linkIn(mail!, /\/signatures\/confirm\/[\w-]{43}/)).toBeTruthy();
  });

  it('when a mail was queued before mails were rendered at sending (its parts stored, no content), then it is sent with its stored parts', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    await t.ctx.db.write((tx) =>
      tx.insert(outbox).values({ kind: 'confirm-signature', toAddress: 'old@example.org', subject: 'Queued long ago', textBody: 'stored text part', htmlBody: '<!doctype html><p>stored html part</p>', messageId: '<old@example.org>', nextAttemptAt: t.clock.now(), createdAt: t.clock.now() }),
    );
    await t.worker.drain();
    const [mail] = await peer.waitForMessages(1);
    expect(mail?.subject).toBe('Queued long ago');
    expect(mail?.text?.trim()).toBe('stored text part');
    expect(mail?.html).toContain('stored html part');
  });

  it('when a queued mail cannot be rendered, then it alone fails for good with the reason, other mail goes out, and no outage of the mail server is reported', async () => {
    const peer = (opened.peer = await startSmtpPeer());
    const t = (opened.app = await buildTestApp({ transport: createSmtpTransport(smtpSettingsFor(peer.url)) }));
    await t.ctx.db.write((tx) =>
      tx.insert(outbox).values({ kind: 'confirm-signature', toAddress: 'broken@example.org', subject: 'Broken', content: '{not json', messageId: '<broken@example.org>', nextAttemptAt: t.clock.now(), createdAt: t.clock.now() }),
    );
    const letter = await buildLetter(t.ctx);
    for (const email of ['one@example.org', 'two@example.org']) await postSignature(t.app, letter.slug, signForm({ email })).expect(303);

    await t.worker.drain();
    const delivered = await peer.waitForMessages(2);
    const broken = await first(t.ctx.db.select().from(outbox).where(eq(outbox.toAddress, 'broken@example.org')));

    expect(delivered.map((mail) => (mail.to && 'text' in mail.to ? mail.to.text : '')).sort()).toEqual(['one@example.org', 'two@example.org']);
    expect(broken?.state).toBe('failed');
    expect(broken?.lastError).toMatch(/could not be rendered/);
    expect(t.worker.outage()).toBeUndefined();
  });
});
