import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { appPerTest } from '../helpers/app.js';
import { nextHref, signatureIdsOnPage } from '../helpers/admin-pages.js';
import { buildLetter, buildSignature } from '../helpers/factories.js';
import { loginAs } from '../helpers/organisers.js';

const t = appPerTest();

const rowOf = (html: string, id: number): string => html.match(new RegExp(`<tr data-signature-id="${id}">[\\s\\S]*?</tr>`))?.[0] ?? '';
const queue = (slug: string, query = '') => `/admin/letters/${slug}/signatures${query}`;

/** Follows "next" links from `path` and returns every row id seen, page by page. */
async function allPages(agent: Awaited<ReturnType<typeof loginAs>>['agent'], path: string): Promise<number[][]> {
  const pages: number[][] = [];
  for (let href: string | undefined = path; href; ) {
    const page = await agent.get(href).expect(200);
    pages.push(signatureIdsOnPage(page.text));
    href = nextHref(page.text);
    if (pages.length > 100) throw new Error('paging does not end');
  }
  return pages;
}

describe('the moderation queue page', () => {
  it('when a moderator opens it, then each pending row shows the signer, both organisations, the address, the checks, the comment, the times and a labelled checkbox', async () => {
    const letter = await buildLetter(t.ctx);
    const nvidia = await createOrganisation(t.ctx, { name: 'NVIDIA', domains: ['nvidia.com'], actor: SYSTEM_ACTOR });
    t.clock.advance(60_000);
    const signer = await buildSignature(t.ctx, letter, {
      state: 'pending', name: 'Grace <Hopper>', email: 'grace@research.nvidia.com', emailDomain: 'research.nvidia.com', title: 'Rear Admiral',
      organisationText: 'Nvidia Corp.', organisationId: nvidia.id, affiliationVerified: true, featured: true, comment: 'Count me in & more', holdReason: 'famous name',
    });
    const flagged = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Temp Person', email: 'x@mailinator.example', disposableEmail: true, blocked: true, showPublic: false, organisationText: 'Nowhere Inc' });
    await buildSignature(t.ctx, letter, { state: 'approved', name: 'Already Approved' });
    const { agent } = await loginAs(t, 'moderator');

    const page = await agent.get(queue(letter.slug)).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(signatureIdsOnPage(page.text)).toEqual([flagged.id, signer.id]);
    const row = rowOf(page.text, signer.id);
    expect(row).toContain('Grace &lt;Hopper&gt;');
    expect(row).toContain('Rear Admiral');
    expect(row).toContain('“Nvidia Corp.”');
    expect(row).toContain(`<a href="/admin/organisations/${nvidia.id}">NVIDIA</a>`);
    expect(row).toContain('grace@research.nvidia.com');
    expect(row).toContain('Verified: confirmed an address at research.nvidia.com');
    expect(row).toContain('Held: famous name');
    expect(row).toContain('Count me in &amp; more');
    expect(row).toContain(`datetime="${signer.signedAt.toISOString()}"`);
    expect(row).toContain('confirmed <time');
    expect(row).toContain('data-flag="featured"');
    expect(row).toContain('status-pending');
    expect(row).toContain(`<input type="checkbox" id="select-${signer.id}" name="ids" value="${signer.id}"><label for="select-${signer.id}" class="visually-hidden">Select Grace &lt;Hopper&gt;</label>`);
    const other = rowOf(page.text, flagged.id);
    for (const flag of ['disposable', 'blocked', 'not-public']) expect(other).toContain(`data-flag="${flag}"`);
    expect(other).toContain('no match');
    expect(other).not.toContain('data-flag="verified"');
    expect(page.text).toContain('<form method="post" action="/admin/letters/' + letter.slug + '/signatures/moderate"');
    expect(page.text).toContain('select-all');
    expect(page.text).toMatch(/data-state="pending">Pending <span class="meta">\(2\)<\/span>/);
  });

  it('when a viewer opens it, then they see email domains but no address, no checkbox and no action, and a search for an address finds nothing', async () => {
    const letter = await buildLetter(t.ctx);
    const signer = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Ada', email: 'ada.secret@analytical.example' });
    const { agent } = await loginAs(t, 'viewer');
    const page = await agent.get(queue(letter.slug)).expect(200);
    expect(signatureIdsOnPage(page.text)).toEqual([signer.id]);
    expect(page.text).not.toContain('ada.secret');
    expect(rowOf(page.text, signer.id)).toContain('@analytical.example');
    expect(page.text).not.toContain('name="ids"');
    expect(page.text).not.toContain('/signatures/moderate');
    expect(page.text).not.toContain('approve-verified');
    expect(signatureIdsOnPage((await agent.get(queue(letter.slug, '?q=ada.secret')).expect(200)).text)).toEqual([]);
    expect(signatureIdsOnPage((await agent.get(queue(letter.slug, '?q=analytical.example')).expect(200)).text)).toEqual([signer.id]);
  });

  it('when a moderator presses "Block this address" on a row, then its own form posts the row\'s IP hash to the block preview, which counts every signature from that network', async () => {
    const letter = await buildLetter(t.ctx);
    const ipHash = 'ab'.repeat(32);
    const spam = (await Promise.all([1, 2, 3].map((n) => buildSignature(t.ctx, letter, { state: 'pending', name: `Spam ${n}`, ipHash }))));
    const honest = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Honest Signer', ipHash: 'cd'.repeat(32) });
    const { agent, csrfToken } = await loginAs(t, 'moderator');
    const page = (await agent.get(queue(letter.slug)).expect(200)).text;

    const formId = rowOf(page, spam[0]!.id).match(/<button type="submit" form="([^"]+)"/)?.[1];
    expect(formId).toBeDefined();
    for (const signature of spam) expect(rowOf(page, signature.id)).toContain(`form="${formId}"`);
    expect(rowOf(page, honest.id)).not.toContain(`form="${formId}"`);
    const form = page.match(new RegExp(`<form id="${formId}" method="post" action="([^"]+)"[\\s\\S]*?</form>`));
    expect(form?.[1]).toBe(`/admin/letters/${letter.slug}/blocks/preview`);
    expect(form?.[0]).toContain(`name="value" value="${ipHash}"`);
    expect(page).not.toMatch(new RegExp(`href="[^"]*${ipHash}`));

    const preview = await agent.post(form![1]!).type('form').send({ _csrf: csrfToken, kind: 'ip_hash', value: ipHash }).expect(200);
    expect(preview.text).toContain('data-matching="3"');
  });

  it('when a viewer opens it, then no row offers to block an address and no IP hash is on the page', async () => {
    const letter = await buildLetter(t.ctx);
    const ipHash = 'ef'.repeat(32);
    const signer = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Ada', ipHash });
    const { agent } = await loginAs(t, 'viewer');
    const page = (await agent.get(queue(letter.slug)).expect(200)).text;
    expect(rowOf(page, signer.id)).toContain('Ada');
    expect(page).not.toContain(ipHash);
    expect(page).not.toContain('Block this address');
  });

  it('when filtered by state or searched by name, email, organisation or domain, then only matching rows show, newest first', async () => {
    const letter = await buildLetter(t.ctx);
    const other = await buildLetter(t.ctx);
    const acme = await createOrganisation(t.ctx, { name: 'Acme Rockets', actor: SYSTEM_ACTOR });
    const a = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Alan Turing', email: 'alan@bletchley.example' });
    const b = await buildSignature(t.ctx, letter, { state: 'approved', name: 'Joan Clarke', email: 'joan@hut8.example', organisationText: 'Roadrunner Watch', organisationId: acme.id });
    const c = await buildSignature(t.ctx, letter, { state: 'rejected', name: 'Gordon Welchman', email: 'gw@bletchley.example', organisationText: 'GC&CS' });
    const d = await buildSignature(t.ctx, letter, { state: 'unconfirmed', name: 'Dilly Knox' });
    const e = await buildSignature(t.ctx, letter, { state: 'withdrawn', name: 'Mavis Batey' });
    await buildSignature(t.ctx, other, { state: 'pending', name: 'Alan Elsewhere' });
    const { agent } = await loginAs(t, 'owner');
    const ids = async (query: string) => signatureIdsOnPage((await agent.get(queue(letter.slug, query)).expect(200)).text);

    expect(await ids('')).toEqual([a.id]);
    expect(await ids('?state=pending')).toEqual([a.id]);
    expect(await ids('?state=approved')).toEqual([b.id]);
    expect(await ids('?state=rejected')).toEqual([c.id]);
    expect(await ids('?state=unconfirmed')).toEqual([d.id]);
    expect(await ids('?state=withdrawn')).toEqual([e.id]);
    expect(await ids('?state=all')).toEqual([e.id, d.id, c.id, b.id, a.id]);
    expect(await ids('?state=all&q=turing')).toEqual([a.id]);
    expect(await ids('?state=all&q=JOAN%40hut8')).toEqual([b.id]);
    expect(await ids('?state=all&q=bletchley.example')).toEqual([c.id, a.id]);
    expect(await ids('?state=all&q=acme')).toEqual([b.id]);
    expect(await ids('?state=all&q=roadrunner')).toEqual([b.id]);
    expect(await ids('?state=all&q=GC%26CS')).toEqual([c.id]);
    expect(await ids('?state=pending&q=welchman')).toEqual([]);
    expect((await agent.get(queue(letter.slug, '?state=all&q=nobody')).expect(200)).text).toContain('No signature matches your search.');
  });

  it('when the filters in the address are malformed, then 400, not an empty page', async () => {
    const letter = await buildLetter(t.ctx);
    const { agent } = await loginAs(t, 'moderator');
    for (const query of ['?state=deleted', '?cursor=abc', '?cursor=-4', '?limit=0', '?limit=500', `?q=${'x'.repeat(101)}`]) {
      await agent.get(queue(letter.slug, query)).expect(400);
    }
    await agent.get(queue('no-such-letter')).expect(404);
  });

  it('when there are more rows than a page, then following "next" shows every row exactly once, newest first, with the filters kept, even as new signatures arrive', async () => {
    const letter = await buildLetter(t.ctx);
    const pending: number[] = [];
    for (let i = 0; i < 23; i += 1) pending.push((await buildSignature(t.ctx, letter, { state: 'pending', name: `Paged ${i}` })).id);
    for (let i = 0; i < 4; i += 1) await buildSignature(t.ctx, letter, { state: 'approved', name: `Paged approved ${i}` });
    const { agent } = await loginAs(t, 'moderator');

    const first = await agent.get(queue(letter.slug, '?q=paged&limit=5')).expect(200);
    expect(signatureIdsOnPage(first.text)).toEqual(pending.slice(-5).reverse());
    const late = await buildSignature(t.ctx, letter, { state: 'pending', name: 'Paged late' });
    const pages = await allPages(agent, nextHref(first.text)!);
    const seen = [...signatureIdsOnPage(first.text), ...pages.flat()];
    expect(seen).toEqual([...pending].reverse());
    expect(seen).not.toContain(late.id);
    expect(pages.every((page) => page.length <= 5)).toBe(true);
    expect(nextHref(first.text)).toMatch(/q=paged/);
    expect(nextHref(first.text)).toMatch(/limit=5/);
  });

  it('when a letter has more signatures than the default page, then pages of 50 cover them all', async () => {
    const letter = await buildLetter(t.ctx);
    const ids: number[] = [];
    for (let i = 0; i < 120; i += 1) ids.push((await buildSignature(t.ctx, letter, { state: 'approved' })).id);
    const { agent } = await loginAs(t, 'viewer');
    const pages = await allPages(agent, queue(letter.slug, '?state=approved'));
    expect(pages.map((page) => page.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual([...ids].reverse());
  });
});

describe('links to the queue', () => {
  it('when an organiser opens the dashboard or a letter, then the counts by state link to the filtered queue', async () => {
    const letter = await buildLetter(t.ctx);
    await buildSignature(t.ctx, letter, { state: 'rejected' });
    const { agent } = await loginAs(t, 'viewer');
    const dashboard = (await agent.get('/admin').expect(200)).text;
    expect(dashboard).toContain(`<a href="/admin/letters/${letter.slug}/signatures?state=rejected" data-count="rejected">1</a>`);
    expect(dashboard).toContain(`<a href="/admin/letters/${letter.slug}/signatures" data-count="pending">0</a>`);
    const show = (await agent.get(`/admin/letters/${letter.slug}`).expect(200)).text;
    expect(show).toContain(`<a href="/admin/letters/${letter.slug}/signatures?state=rejected">1 rejected</a>`);
    expect(show).toContain(`href="/admin/letters/${letter.slug}/signatures">See signatures</a>`);
    expect(show).toContain('href="/admin/organisations"');
  });
});
