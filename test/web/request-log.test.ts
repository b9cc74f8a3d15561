import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../server/web/request-log.js';
import { buildTestApp } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';
import { capturedLogger } from '../helpers/smtp.js';

function appLoggingAt(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
  const app = express();
  app.use(requestLog(pino({ level }, stream)));
  app.get('/page', (_req, res) => void res.send('ok'));
  app.get('/broken', (_req, res) => void res.status(500).send('no'));
  app.get(['/healthz', '/assets/site.css'], (_req, res) => void res.send('ok'));
  return { app, lines };
}

describe('request log', () => {
  it('when a page is answered, then one info line names the method, the path, the status and the time taken', async () => {
    const { app, lines } = appLoggingAt('info');
    await request(app).get('/page?x=1').expect(200);
    expect(lines).toEqual([expect.objectContaining({ level: 30, req: { method: 'GET', url: '/page?x=1' }, res: { statusCode: 200 }, responseTime: expect.any(Number) })]);
  });

  it('when a query string holds a search, a return path or anything that looks like an email address, then the log shows none of it', async () => {
    const { app, lines } = appLoggingAt('info');
    const urls = [
      '/page?state=all&q=ada%40example.org',
      '/page?q=Ada+Lovelace&cursor=12',
      '/page?next=%2Fadmin%2Fletters%3Fq%3Dbob%40example.org',
      '/page?organisation=Acme&contact=carol@example.org',
      '/page?carol%40example.org',
      '/page?EMAIL=dan%40example.org&Q=x',
    ];
    for (const url of urls) await request(app).get(url).expect(200);
    const logged = lines.map((line) => (line.req as { url: string }).url);
    expect(logged).toEqual([
      '/page?state=all&q=[redacted]',
      '/page?q=[redacted]&cursor=12',
      '/page?next=[redacted]',
      '/page?organisation=Acme&contact=[redacted]',
      '/page?[redacted]',
      '/page?EMAIL=[redacted]&Q=[redacted]',
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/example\.org|Lovelace/);
  });

  it('when a path segment or a query value holds an address in any spelling (the cases of the red team), then the log shows [redacted] in its place', async () => {
    const { app, lines } = appLoggingAt('info');
    const cases: Array<[string, string]> = [
      ['/admin/letters/open-letter/signatures/jack.secret@example.org', '/admin/letters/open-letter/signatures/[redacted]'],
      ['/letters/open-letter/kate.secret@example.org', '/letters/open-letter/[redacted]'],
      ['/letters/open-letter/kate.secret%40example.org/more', '/letters/open-letter/[redacted]/more'],
      ['/letters/open-letter/kate.secret%2540example.org', '/letters/open-letter/[redacted]'],
      ['/letters/open-letter/kate.secret%EF%BC%A0example.org', '/letters/open-letter/[redacted]'],
      ['/%0Azoe.secret@example.org', '/[redacted]'],
      ['/page?ref=quinn.secret%2540example.org', '/page?ref=[redacted]'],
      ['/page?ref=noah.secret%EF%BC%A0example.org', '/page?ref=[redacted]'],
      ['/page?utm=sam.secret(at)example.org', '/page?utm=[redacted]'],
      ['/letters/open-letter/signatories?page=2', '/letters/open-letter/signatories?page=2'],
    ];
    for (const [url] of cases) await request(app).get(url);
    expect(lines.map((line) => (line.req as { url: string }).url)).toEqual(cases.map(([, logged]) => logged));
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });

  it('when the whole server answers the probe of the red team, then no line of its log holds any of the addresses', async () => {
    const { logger, lines } = capturedLogger();
    const t = await buildTestApp({ logger });
    try {
      const slug = (await buildLetter(t.ctx)).slug;
      const { agent } = await loginAs(t, 'owner');
      const before = lines.length;
      const paths = [
        `/admin/letters/${slug}/signatures?q=alice.secret@example.org`,
        `/admin/letters/${slug}/signatures?q=alice.secret%2540example.org`,
        `/admin/letters/${slug}/signatures?Q=bob.secret@example.org`,
        `/admin/letters/${slug}/signatures?q[]=dave.secret@example.org`,
        `/admin/letters/${slug}/signatures?cursor=frank.secret@example.org`,
        `/admin/login?next=https://evil.example/ivan.secret@example.org`,
        `/admin/letters/${slug}/signatures/jack.secret@example.org`,
        `/letters/${slug}/kate.secret@example.org`,
        `/admin/letters/${slug}/signatures?q=noah.secret%EF%BC%A0example.org`,
        `/signatures/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?email=pat.secret@example.org`,
        `/letters/${slug}?ref=rose.secret%40example.org`,
        `/letters/${slug}?utm=sam.secret(at)example.org`,
        `/admin/export?q=zed.secret@example.org`,
        `/%0Azoe.secret@example.org`,
      ];
      for (const path of paths) await agent.get(path);
      await agent.post(`/letters/${slug}/signatures?email=yara.secret@example.org`).type('form').send({ name: 'Y', email: 'yara2.secret@example.org' });
      expect(lines.slice(before).filter((line) => line.msg === 'request completed')).toHaveLength(paths.length + 1);
      expect(JSON.stringify(lines)).not.toMatch(/secret/);
    } finally {
      await t.close();
    }
  });

  it('when only warnings are logged, then a 5xx still gets an error line and a 200 gets none', async () => {
    const { app, lines } = appLoggingAt('warn');
    await request(app).get('/page').expect(200);
    await request(app).get('/broken').expect(500);
    expect(lines).toEqual([expect.objectContaining({ level: 50, req: { method: 'GET', url: '/broken' }, res: { statusCode: 500 } })]);
  });

  it('when the health probe or a fingerprinted file is fetched, then nothing is logged', async () => {
    const { app, lines } = appLoggingAt('trace');
    await request(app).get('/healthz').expect(200);
    await request(app).get('/assets/site.css').expect(200);
    expect(lines).toEqual([]);
  });
});
