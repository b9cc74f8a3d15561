import { first } from '../../server/db/database.js';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../server/cli/context.js';
import { letters } from '../../server/letters/table.js';
import { addAlias } from '../../server/organisations/add-alias.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { renameOrganisation } from '../../server/organisations/rename-organisation.js';
import { setOrganisationDomains } from '../../server/organisations/set-organisation-domains.js';
import { signatures } from '../../server/signatures/table.js';
import { createPageCache } from '../../server/web/page-cache.js';
import { appPerTest } from '../helpers/app.js';
import { buildLetter, buildSignature, postSignature, reloadLetter, signForm } from '../helpers/factories.js';

const t = appPerTest();

const pagesOf = (slug: string) => [`/letters/${slug}`, `/letters/${slug}/signatories`];

async function expectEveryPage(slug: string, check: (html: string, path: string) => void): Promise<void> {
  for (const path of pagesOf(slug)) check((await request(t.app).get(path).expect(200)).text, path);
}

/** Counts how often a template is rendered, to tell a kept page from a fresh one. */
function countRenders(of: string): { count: () => number } {
  let renders = 0;
  const render = t.ctx.views.render;
  t.ctx.views.render = (template, data) => {
    if (template === of) renders += 1;
    return render(template, data);
  };
  return { count: () => renders };
}

describe('kept public pages', () => {
  it('when a listed signatory is corrected or hidden, then the letter page and the list show it at once', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Grace Hopper' });
    await expectEveryPage(letter.slug, (html, path) => expect(html, path).toContain('Grace Hopper'));

    await t.ctx.db.write(async (tx) => (await tx.update(signatures).set({ name: 'Grace B. Hopper' }).where(eq(signatures.id, signature.id))));
    await expectEveryPage(letter.slug, (html, path) => expect(html, path).toContain('Grace B. Hopper'));

    await t.ctx.db.write(async (tx) => (await tx.update(signatures).set({ showPublic: false }).where(eq(signatures.id, signature.id))));
    await expectEveryPage(letter.slug, (html, path) => expect(html, path).not.toContain('Hopper'));
  });

  it("when an organisation is renamed or its domains change, then every letter's kept pages show the new name and verification", async () => {
    const organisation = await createOrganisation(t.ctx, { name: 'Analytical Engines', actor: CLI_ACTOR });
    const letters = [await buildLetter(t.ctx), await buildLetter(t.ctx)];
    for (const letter of letters) {
      await buildSignature(t.ctx, letter, { state: 'approved', name: 'Ada Lovelace', organisationText: 'Analytical Engines', organisationId: organisation.id, emailDomain: 'engines.example', email: `ada${letter.id}@engines.example` });
      await expectEveryPage(letter.slug, (html) => expect(html).not.toContain('Verified affiliation'));
    }

    await renameOrganisation(t.ctx, { id: organisation.id, name: 'Analytical Engines Ltd', actor: CLI_ACTOR });
    for (const letter of letters) await expectEveryPage(letter.slug, (html, path) => expect(html, path).toContain('Analytical Engines Ltd'));

    await setOrganisationDomains(t.ctx, { id: organisation.id, domains: ['engines.example'], actor: CLI_ACTOR });
    for (const letter of letters) await expectEveryPage(letter.slug, (html, path) => expect(html, path).toContain('confirmed an address at engines.example'));
  });

  it('when an organisation no listed signatory belongs to changes its name or domains, then every letter\'s revision still moves', async () => {
    const letter = await buildLetter(t.ctx);
    const organisation = await createOrganisation(t.ctx, { name: 'Nobody Signed Here', actor: CLI_ACTOR });
    const revisions = [(await reloadLetter(t.ctx, letter.slug)).publicRevision];
    await setOrganisationDomains(t.ctx, { id: organisation.id, domains: ['nobody.example'], actor: CLI_ACTOR });
    revisions.push((await reloadLetter(t.ctx, letter.slug)).publicRevision);
    await renameOrganisation(t.ctx, { id: organisation.id, name: 'Still Nobody', actor: CLI_ACTOR });
    revisions.push((await reloadLetter(t.ctx, letter.slug)).publicRevision);
    expect(revisions[1]).toBeGreaterThan(revisions[0]!);
    expect(revisions[2]).toBeGreaterThan(revisions[1]!);
  });

  it('when an alias is added after a list filtered by that organisation was read, then the filtered list finds the signer at once', async () => {
    const organisation = await createOrganisation(t.ctx, { name: 'Analytical Engines', actor: CLI_ACTOR });
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Ada Lovelace', organisationText: 'Analytical Engines', organisationId: organisation.id });
    const filtered = `/letters/${letter.slug}/signatories?organisation=AE`;
    expect((await request(t.app).get(filtered).expect(200)).text).not.toContain('Ada Lovelace');
    await addAlias(t.ctx, { id: organisation.id, alias: 'AE', actor: CLI_ACTOR });
    expect((await request(t.app).get(filtered).expect(200)).text).toContain('Ada Lovelace');
  });

  it('when a listed signature changes only in what no page shows, then its letter\'s revision stays', async () => {
    const letter = await buildLetter(t.ctx);
    const signature = await buildSignature(t.ctx, letter, { state: 'approved', ipHash: 'ab'.repeat(32) });
    const before = (await reloadLetter(t.ctx, letter.slug)).publicRevision;
    await t.ctx.db.write(async (tx) => (await tx.update(signatures).set({ ipHash: null, mailsSent: 3 }).where(eq(signatures.id, signature.id))));
    expect((await reloadLetter(t.ctx, letter.slug)).publicRevision).toBe(before);
  });

  it('when someone signs but has not confirmed, then the kept page is served again rather than rendered', async () => {
    const letter = await buildLetter(t.ctx);
    await request(t.app).get(`/letters/${letter.slug}`).expect(200);
    const renders = countRenders('letters/show');
    const revision = (await reloadLetter(t.ctx, letter.slug)).publicRevision;

    await postSignature(t.app, letter.slug, signForm()).expect(303);
    const page = await request(t.app).get(`/letters/${letter.slug}`).expect(200);

    expect((await reloadLetter(t.ctx, letter.slug)).publicRevision).toBe(revision);
    expect(renders.count()).toBe(0);
    expect(page.text).toContain('<strong>0</strong> people have signed');
  });

  it('when the page is kept, then every visitor still gets a form stamp of their own time, a form sent with it after the minimum wait is accepted and a forged one is not', async () => {
    await t.rebuild({ env: { SIGN_MIN_SECONDS: '5' } });
    const letter = await buildLetter(t.ctx);
    const stampOf = (html: string) => html.match(/name="stamp" value="([^"]+)"/)?.[1];
    const earlier = stampOf((await request(t.app).get(`/letters/${letter.slug}`)).text);
    t.clock.advance(30_000);
    const second = stampOf((await request(t.app).get(`/letters/${letter.slug}`)).text);
    expect(earlier).toBeDefined();
    expect(second).not.toBe(earlier);

    t.clock.advance(6_000);
    const genuine = signForm({ stamp: second! });
    const forged = signForm({ stamp: `${second!.slice(0, -4)}AAAA` });
    await postSignature(t.app, letter.slug, genuine).expect(303);
    await postSignature(t.app, letter.slug, forged).expect(303);
    const stored = async (email: string) => (await first(t.ctx.db.select().from(signatures).where(eq(signatures.email, email))));
    expect(await stored(genuine.email!)).toBeDefined();
    expect(await stored(forged.email!)).toBeUndefined();
  });

  it('when a stamp is fresh, then a form sent sooner than the minimum wait is discarded, however the second was rounded', async () => {
    await t.rebuild({ env: { SIGN_MIN_SECONDS: '5' } });
    const letter = await buildLetter(t.ctx);
    t.clock.advance(999);
    const stamp = (await request(t.app).get(`/letters/${letter.slug}`)).text.match(/name="stamp" value="([^"]+)"/)?.[1];
    t.clock.advance(4_990);
    const hasty = signForm({ stamp: stamp! });
    await postSignature(t.app, letter.slug, hasty).expect(303);
    expect(await first(t.ctx.db.select().from(signatures).where(eq(signatures.email, hasty.email!)))).toBeUndefined();
  });

  it('when a browser revalidates the letter page, then it gets 304 only while the form stamp is unchanged', async () => {
    const letter = await buildLetter(t.ctx);
    const first = await request(t.app).get(`/letters/${letter.slug}`).expect(200);
    await request(t.app).get(`/letters/${letter.slug}`).set('If-None-Match', first.headers.etag as string).expect(304);
    t.clock.advance(1_000);
    const later = await request(t.app).get(`/letters/${letter.slug}`).set('If-None-Match', first.headers.etag as string).expect(200);
    expect(later.text.match(/name="stamp" value="([^"]+)"/)?.[1]).not.toBe(first.text.match(/name="stamp" value="([^"]+)"/)?.[1]);
  });

  it('when a letter reaches its closing time, then the kept page says it is closed without any change in the database', async () => {
    const letter = await buildLetter(t.ctx, { closesAt: new Date(t.clock.now().getTime() + 60_000) });
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('Sign the letter');
    t.clock.advance(61_000);
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('This letter is closed');
  });

  it('when the letter itself is edited, then the kept page shows the edit', async () => {
    const letter = await buildLetter(t.ctx);
    await request(t.app).get(`/letters/${letter.slug}`).expect(200);
    await t.ctx.db.write(async (tx) => (await tx.update(letters).set({ summary: 'A summary written later.' }).where(eq(letters.id, letter.id))));
    expect((await request(t.app).get(`/letters/${letter.slug}`)).text).toContain('A summary written later.');
  });
});

describe('page cache', () => {
  const htmlOf = async (cache: ReturnType<typeof createPageCache>, key: string, fingerprint: string, html: string) => (await cache.get(key, fingerprint, async () => html)).html;

  it('when a fingerprint is unchanged, then the kept page is returned; when it moves, then the page is rendered again', async () => {
    const cache = createPageCache();
    expect(await htmlOf(cache, 'letter:1', 'a', 'first')).toBe('first');
    expect(await htmlOf(cache, 'letter:1', 'a', 'second')).toBe('first');
    expect(await htmlOf(cache, 'letter:1', 'b', 'third')).toBe('third');
  });

  it('when more pages are kept than the limit, then the least recently read one goes first', async () => {
    const cache = createPageCache(2);
    await htmlOf(cache, 'a', '1', 'A');
    await htmlOf(cache, 'b', '1', 'B');
    await htmlOf(cache, 'a', '1', 'A again');
    await htmlOf(cache, 'c', '1', 'C');
    expect(await htmlOf(cache, 'a', '1', 'A rendered')).toBe('A');
    expect(await htmlOf(cache, 'b', '1', 'B rendered')).toBe('B rendered');
  });

  it('when a kept list page is asked for again with its entity tag, then the answer is 304 with no body', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Grace Hopper' });
    const first = await request(t.app).get(`/letters/${letter.slug}/signatories`).expect(200);
    expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    await request(t.app).get(`/letters/${letter.slug}/signatories`).set('If-None-Match', first.headers.etag as string).expect(304);
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Alan Turing' });
    await request(t.app).get(`/letters/${letter.slug}/signatories`).set('If-None-Match', first.headers.etag as string).expect(200);
  });
});
