import { describe, expect, it } from 'vitest';
import { outbox } from '../../server/db/schema.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

const cell = (html: string, slug: string, state: string): number => {
  const row = html.match(new RegExp(`<tr data-letter-slug="${slug}">[\\s\\S]*?</tr>`))?.[0] ?? '';
  return Number(row.match(new RegExp(`data-count="${state}">(\\d+)<`))?.[1]);
};
const outboxCount = (html: string, state: string): number => Number(html.match(new RegExp(`data-outbox-state="${state}"><dt>[^<]*</dt><dd>(\\d+)<`))?.[1]);

describe('the dashboard', () => {
  it('when letters have signatures in every state and mail in every state, then it shows each count', async () => {
    const busy = await buildLetter(t.ctx);
    const quiet = await buildLetter(t.ctx, { status: 'draft' });
    const states = { unconfirmed: 3, pending: 2, approved: 4, rejected: 1, withdrawn: 2 } as const;
    for (const [state, n] of Object.entries(states)) for (let i = 0; i < n; i += 1) await buildSignature(t.ctx, busy, { state: state as keyof typeof states });
    const mail = { queued: 2, sending: 1, sent: 5, failed: 1 } as const;
    for (const [state, n] of Object.entries(mail)) {
      for (let i = 0; i < n; i += 1) {
        await t.ctx.db.write((tx) => tx.insert(outbox).values({ kind: 'confirm-signature', toAddress: 'x@example.org', subject: 's', textBody: 't', htmlBody: 'h', messageId: `<${state}${i}@x>`, state: state as keyof typeof mail, nextAttemptAt: t.clock.now(), createdAt: t.clock.now() }));
      }
    }
    const { agent } = await loginAs(t, 'viewer');
    const page = await agent.get('/admin').expect(200);
    for (const [state, n] of Object.entries(states)) expect(cell(page.text, busy.slug, state)).toBe(n);
    for (const state of Object.keys(states)) expect(cell(page.text, quiet.slug, state)).toBe(0);
    for (const [state, n] of Object.entries(mail)) expect(outboxCount(page.text, state)).toBe(n);
    expect(page.text).toContain('stat stat-alert');
  });
});
