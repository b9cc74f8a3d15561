import { beforeAll, describe, expect, it } from 'vitest';
import { outbox, signatures } from '../../server/db/schema.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildLetter } from '../helpers/factories.js';
import { rawSitePerFile, type RawClient } from '../helpers/raw-http.js';
import { integrityCheck } from '../helpers/database.js';

const { t, client } = rawSitePerFile();
let letter: LetterRow;
beforeAll(async () => {
  letter = await buildLetter(t.ctx);
});

const FORM = 'application/x-www-form-urlencoded';
const VALID = 'name=Ada&email=ada%40example.org';
/** `contentType` null sends none at all. */
const sign = (body: string | Buffer, contentType: string | null = FORM) =>
  client.send('POST', `/letters/${letter.slug}/signatures`, { headers: contentType === null ? {} : { 'content-type': contentType }, body });

const storedRows = async () => ({ signatures: (await t.ctx.db.select().from(signatures)).length, mails: (await t.ctx.db.select().from(outbox)).length });

/** Sends, and checks that the request left the database as it found it. */
async function sendStoringNothing(send: () => ReturnType<RawClient['send']>) {
  const before = await storedRows();
  const res = await send();
  expect(await storedRows()).toEqual(before);
  return res;
}

describe('malformed form bodies', () => {
  it.each([
    ['a truncated escape', 'name=%E0%A4%A&email=ada%40example.org'],
    ['a lone percent sign', 'name=100%&email=ada%40example.org'],
    ['a non-hex escape', 'name=%ZZ&email=ada%40example.org'],
    ['an escaped lone surrogate (CESU-8)', 'name=%ED%A0%80&email=ada%40example.org'],
    ['an overlong UTF-8 slash', 'name=%C0%AF&email=ada%40example.org'],
    ['an invalid UTF-8 byte, escaped', 'name=%FF&email=ada%40example.org'],
    ['a raw byte above ASCII', Buffer.concat([Buffer.from('name=Ad'), Buffer.from([0xff]), Buffer.from('&email=ada%40example.org')])],
    ['raw unescaped UTF-8', Buffer.from('name=Adé&email=ada%40example.org', 'utf8')],
    ['a raw control character', 'name=Ad\u0000a&email=ada%40example.org'],
    ['a broken escape in a field name', 'na%mE=Ada&email=ada%40example.org'],
  ])('when the body has %s, then 400 and nothing is stored', async (_case, body) => {
    const res = await sendStoringNothing(() => sign(body));
    expect(res.status).toBe(400);
    expect(res.body).toContain('The form could not be read');
  });

  it('when the body is well formed, then the same route accepts it (the checks above are not refusing everything)', async () => {
    expect((await sign('name=Ad%C3%A9+Lovelace&email=ade%40example.org')).status).toBe(303);
    expect((await t.ctx.db.select().from(signatures)).map((row) => row.name)).toContain('Adé Lovelace');
  });
});

describe('content types and sizes', () => {
  it.each([
    ['JSON', 'application/json', '{"name":"Ada","email":"ada@example.org"}'],
    ['plain text', 'text/plain', VALID],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nAda\r\n--x--\r\n'],
    ['XML', 'application/xml', '<name>Ada</name>'],
    ['no content type', null, VALID],
    ['an unsupported charset', `${FORM}; charset=utf-7`, VALID],
  ])('when the body is %s, then 415 and nothing is stored', async (_case, type, body) => {
    expect((await sendStoringNothing(() => sign(body, type))).status).toBe(415);
  });

  it.each([
    ['just over 16 KB', 16 * 1024 + 1],
    ['a megabyte', 1024 * 1024],
  ])('when the body is %s, then 413 and nothing is stored', async (_case, size) => {
    const body = `${VALID}&comment=${'x'.repeat(size)}`;
    expect((await sendStoringNothing(() => sign(body))).status).toBe(413);
  });

  it('when the body has more than 50 parameters, then 413 and nothing is stored', async () => {
    const body = `${VALID}&${Array.from({ length: 50 }, (_, i) => `extra${i}=1`).join('&')}`;
    expect((await sendStoringNothing(() => sign(body))).status).toBe(413);
  });

  it.each([
    ['repeated fields', 'name=Ada&name=Eve&email=ada%40example.org&email=eve%40example.org'],
    ['bracketed names', 'name[]=Ada&email[x]=ada%40example.org'],
    ['prototype keys', '__proto__=x&constructor[prototype][admin]=1&name=Ada&email=ada%40example.org'],
    ['an empty body', ''],
    ['only separators', '&&&===&'],
  ])('when the body has %s, then it is answered as a form (303 or 422), never a 5xx', async (_case, body) => {
    expect([303, 422]).toContain((await sign(body)).status);
    expect(Object.prototype).not.toHaveProperty('admin');
  });
});

describe('paths', () => {
  it.each([
    '/assets/../package.json',
    '/assets/..%2fpackage.json',
    '/assets/..%2Fpackage.json',
    '/assets/%2e%2e/package.json',
    '/assets/%2e%2e%2fpackage.json',
    '/assets/%252e%252e%252fpackage.json',
    '/assets/..%5cpackage.json',
    '/assets/....//package.json',
    '/assets//etc/passwd',
    '/assets/site.css%00.js',
    '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/../package.json',
    '/package.json',
    '/server/config.ts',
    '/.env',
  ])('when a client asks for %s, then 4xx and no file outside public/ is served', async (path) => {
    const res = await client.send('GET', path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain('"name": "undersigned"');
    expect(res.body).not.toContain('root:');
    expect(res.body).not.toContain('loadConfig');
  });

  it.each(['/signatures/confirm/%E0%A4%A', '/signatures/withdraw/%ED%A0%80', '/letters/%FF', '/letters/%'])('when a path parameter is badly encoded (%s), then 400', async (path) => {
    expect((await client.send('GET', path)).status).toBe(400);
    expect((await client.send('POST', path, { headers: { 'content-type': FORM }, body: VALID })).status).toBeLessThan(500);
  });
});

describe('afterwards', () => {
  it('when all of the above has been sent, then the database is intact', async () => {
    expect(await integrityCheck(t)).toBe('ok');
  });
});
