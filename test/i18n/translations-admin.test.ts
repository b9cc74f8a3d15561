import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { databaseEnv } from '../helpers/app.js';
import { runCliCommand } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { sqlRows } from '../helpers/database.js';
import { buildLetter, reloadLetter } from '../helpers/factories.js';
import { signedInAs } from '../helpers/signed-in.js';

const owner = signedInAs('owner');
const { t } = owner;

const french = (overrides: Record<string, string> = {}) => ({ lang: 'fr', title: 'Gardez les archives ouvertes', summary: 'Au ministère.', body: 'Nous demandons des archives ouvertes.', ...overrides });
const versionsIn = (letterId: number, lang: string) =>
  sqlRows<{ number: number; title: string; sha256: string }>(t, 'SELECT number, title, sha256 FROM letter_versions WHERE letter_id = ? AND lang = ? ORDER BY number', letterId, lang);
const auditedTranslations = async () => (await sqlRows<{ action: string; details: unknown }>(t, "SELECT action, details FROM audit_events WHERE action = 'letter.translate' ORDER BY id")).length;

describe('translations at /admin/letters/:slug/translations', () => {
  it('when an owner adds a translation and edits it, then each change is a new French version with its SHA-256, audited, and the public page serves it', async () => {
    const letter = await buildLetter(t.ctx);
    expect((await owner.agent.get(`/admin/letters/${letter.slug}/translations`).expect(200)).text).toContain('no translation yet');
    expect((await owner.post(`/admin/letters/${letter.slug}/translations`, french())).headers.location).toBe(`/admin/letters/${letter.slug}/translations?published=fr`);
    await owner.post(`/admin/letters/${letter.slug}/translations`, french()).expect(303);
    await owner.post(`/admin/letters/${letter.slug}/translations`, french({ body: 'Nous demandons davantage.' })).expect(303);

    const rows = await versionsIn(letter.id, 'fr');
    expect(rows.map((row) => row.number)).toEqual([1, 2]);
    expect(rows[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.sha256).not.toBe(rows[1]?.sha256);
    expect(await auditedTranslations()).toBe(2);
    const list = await owner.agent.get(`/admin/letters/${letter.slug}/translations`).expect(200);
    expect(list.text).toContain('data-lang="fr"');
    expect((await owner.agent.get(`/admin/letters/${letter.slug}/translations/fr`).expect(200)).text).toContain('Nous demandons davantage.');
    expect((await request(t.app).get(`/letters/${letter.slug}?lang=fr`).expect(200)).text).toContain('Nous demandons davantage.');
  });

  it('when a translation is refused (bad code, a code naming no language, the original language, empty text), then 422 says why next to the field and nothing is stored', async () => {
    const letter = await buildLetter(t.ctx);
    for (const fields of [french({ lang: 'français' }), french({ lang: 'zz' }), french({ lang: 'und' }), french({ lang: 'zxx' }), french({ lang: 'en' }), french({ title: ' ' })]) {
      const res = await owner.post(`/admin/letters/${letter.slug}/translations`, fields);
      expect(res.status).toBe(422);
      expect(res.text).toContain('error-summary');
    }
    expect(await versionsIn(letter.id, 'fr')).toEqual([]);
    expect((await reloadLetter(t.ctx, letter.slug)).translations).toBe('{}');
  });

  it('when a post lacks the CSRF token, then it is refused and nothing is stored', async () => {
    const letter = await buildLetter(t.ctx);
    const forged = await owner.agent.post(`/admin/letters/${letter.slug}/translations`).type('form').send(french());
    expect(forged.status).toBe(403);
    expect(await versionsIn(letter.id, 'fr')).toEqual([]);
  });

  it('when a translation is asked for that the letter lacks, then 404', async () => {
    const letter = await buildLetter(t.ctx);
    expect((await owner.agent.get(`/admin/letters/${letter.slug}/translations/de`)).status).toBe(404);
  });
});

describe('undersigned letter import FILE.md --lang', () => {
  const file = (text: string) => {
    const path = join(tempDir(), 'translation.md');
    writeFileSync(path, text);
    return path;
  };

  it('when a translated file names the letter by its slug, then it adds the translation, a changed file publishes a new version, the same file none', async () => {
    const letter = await buildLetter(t.ctx);
    const env = databaseEnv(t.config);
    const text = (body: string) => `---\nslug: ${letter.slug}\ntitle: "Brief auf Deutsch"\nsummary: Kurz.\nstatus: open\n---\n\n${body}\n`;
    expect(await runCliCommand(['letter', 'import', file(text('Wir bitten darum.')), '--lang', 'de'], env)).toMatchObject({ code: 0, stdout: `published version 1 of the de translation of letter ${letter.slug}\n` });
    expect(await runCliCommand(['letter', 'import', file(text('Wir bitten darum.')), '--lang', 'de'], env)).toMatchObject({ code: 0, stdout: `unchanged: the de translation of letter ${letter.slug}\n` });
    expect((await runCliCommand(['letter', 'import', file(text('Wir bitten um mehr.')), '--lang', 'de'], env)).stdout).toBe(`published version 2 of the de translation of letter ${letter.slug}\n`);
    expect((await versionsIn(letter.id, 'de')).map((row) => row.title)).toEqual(['Brief auf Deutsch', 'Brief auf Deutsch']);
    expect((await request(t.app).get(`/letters/${letter.slug}`).set('Accept-Language', 'de').expect(200)).text).toContain('Wir bitten um mehr.');
  });

  it('when the file names no letter, an unknown one, or another language, then it fails with a clear message and stores nothing', async () => {
    const letter = await buildLetter(t.ctx);
    const env = databaseEnv(t.config);
    const noSlug = await runCliCommand(['letter', 'import', file('---\ntitle: T\n---\n\nText\n'), '--lang', 'fr'], env);
    expect(noSlug.code).not.toBe(0);
    expect(noSlug.stderr).toContain('slug');
    const unknown = await runCliCommand(['letter', 'import', file('---\nslug: no-such-letter\ntitle: T\n---\n\nText\n'), '--lang', 'fr'], env);
    expect(unknown.stderr).toContain('no letter has the slug "no-such-letter"');
    const mismatch = await runCliCommand(['letter', 'import', file(`---\nslug: ${letter.slug}\ntitle: T\nlang: de\n---\n\nText\n`), '--lang', 'fr'], env);
    expect(mismatch.stderr).toContain('the file says de');
    expect(await versionsIn(letter.id, 'fr')).toEqual([]);
  });
});
