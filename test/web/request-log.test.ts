import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../server/web/request-log.js';

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
