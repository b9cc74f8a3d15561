import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import request from 'supertest';
import { startServer, type RunningServer } from '../server/server.js';
import { testConfig } from './helpers/config.js';
import { linkIn, startSmtpPeer, type SmtpPeer } from './helpers/smtp.js';
import { DEMO_LETTER } from '../server/letters/demo-letter.js';

let peer: SmtpPeer;
let running: RunningServer;

beforeAll(async () => {
  peer = await startSmtpPeer();
  running = await startServer(testConfig({ PORT: '0', SMTP_URL: peer.url, SEED_DEMO_LETTER: 'yes' }), pino({ level: 'silent' }), { pollMs: 50 });
});
afterAll(async () => {
  await running.stop();
  await peer.close();
});

describe('the whole signing flow through a real SMTP exchange', () => {
  it('when a person signs, receives the mail, opens the link and presses Confirm, then the count goes up', async () => {
    const slug = DEMO_LETTER.slug;
    // The server's outbox worker runs in a thread of its own, with its own database connection.
    expect(running.worker.runsIn).toBe('thread');
    const before = await request(running.url).get(`/letters/${slug}`).expect(200);
    expect(before.text).toMatch(/<strong>0<\/strong> people have signed/);
    expect(before.text).toContain('<meta property="og:title"');

    const sign = await request(running.url)
      .post(`/letters/${slug}/signatures`)
      .type('form')
      .send({ name: 'Radia Perlman', email: 'radia@example.net', organisation: 'Spanning Tree Research', title: 'Engineer', comment: 'Yes.' });
    expect(sign.status).toBe(303);
    await request(running.url).get(sign.headers.location as string).expect(200);

    const [mail] = await peer.waitForMessages(1);
    expect(mail?.subject).toContain('Confirm your signature');
    const confirmUrl = new URL(linkIn(mail!, /\/signatures\/confirm\//));
    const page = await request(running.url).get(confirmUrl.pathname).expect(200);
    expect(page.text).toContain('Radia Perlman');
    await request(running.url).post(confirmUrl.pathname).expect(200);

    const after = await request(running.url).get(`/letters/${slug}`).expect(200);
    expect(after.text).toMatch(/<strong>1<\/strong> person has signed/);
    const [, thanks] = await peer.waitForMessages(2);
    expect(thanks?.subject).toContain('Thank you for signing');
    expect(linkIn(thanks!, /\/signatures\/withdraw\//)).toBeTruthy();
  });
});
