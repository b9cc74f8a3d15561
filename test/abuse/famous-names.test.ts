import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { famousNames, normaliseName } from '../../server/abuse/famous-names.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/config.js';
import { buildLetter, postSignature, reloadLetter, signatureByEmail, signForm, tokenFromOutbox } from '../helpers/factories.js';

let t: TestApp | undefined;
afterEach(() => t?.close());

describe('name normalisation', () => {
  it.each([
    ['Élon  MUSK', 'elon musk'],
    ['  elon-musk ', 'elon musk'],
    ['Ｅｌｏｎ Ｍｕｓｋ', 'elon musk'],
    ['Pedro Sa\u0301nchez', 'pedro sanchez'],
    ['Beyoncé', 'beyonce'],
    ['Tim Berners-Lee', 'tim berners lee'],
  ])('when the name is %j, then it compares as %j', (raw, expected) => {
    expect(normaliseName(raw)).toBe(expected);
  });

  it('when the shipped list is read, then comments and blank lines are skipped', () => {
    const names = famousNames(loadConfig({}).famousNamesFile);
    expect(names.has('elon musk')).toBe(true);
    expect([...names].some((name) => name.startsWith('#') || name === '')).toBe(false);
  });
});

describe('signing with a famous name', () => {
  async function signAndConfirm(app: TestApp, slug: string, name: string, email: string) {
    await postSignature(app.app, slug, signForm({ name, email })).expect(303);
    await request(app.app).post(`/signatures/confirm/${await tokenFromOutbox(app.ctx, email, 'confirm')}`).expect(200);
    return signatureByEmail(app.ctx, email);
  }

  it('when someone signs a post-moderated letter as a famous person, then the signature is held for a moderator instead of listed', async () => {
    t = await buildTestApp();
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    expect(await signAndConfirm(t, letter.slug, 'ÉLON  musk', 'prank@example.org')).toMatchObject({ state: 'pending', holdReason: 'famous_name' });
    expect(await signAndConfirm(t, letter.slug, 'Elon Muskrat', 'real@example.org')).toMatchObject({ state: 'approved', holdReason: null });
    expect(await reloadLetter(t.ctx, letter.slug)).toMatchObject({ countPending: 1, countApproved: 1, countListed: 1 });
  });

  it('when FAMOUS_NAMES_FILE names another list, then that list is used', async () => {
    const file = join(tempDir(), 'names.txt');
    writeFileSync(file, '# ours\nGrace Hopper\n');
    t = await buildTestApp({ env: { FAMOUS_NAMES_FILE: file } });
    const letter = await buildLetter(t.ctx, { moderation: 'post' });
    expect(await signAndConfirm(t, letter.slug, 'grace hopper', 'grace@example.org')).toMatchObject({ state: 'pending', holdReason: 'famous_name' });
    expect(await signAndConfirm(t, letter.slug, 'Elon Musk', 'elon@example.org')).toMatchObject({ state: 'approved' });
  });

  it('when FAMOUS_NAMES_FILE does not exist, then start-up fails naming the variable', () => {
    expect(() => loadConfig({ FAMOUS_NAMES_FILE: join(tempDir(), 'missing.txt') })).toThrow(ConfigError);
    expect(() => loadConfig({ FAMOUS_NAMES_FILE: join(tempDir(), 'missing.txt') })).toThrow(/FAMOUS_NAMES_FILE: no such file/);
  });
});
