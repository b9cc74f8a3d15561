import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLetter, signatureByEmail, signForm } from '../helpers/factories.js';
import { startTestSite, type TestSite } from '../helpers/site.js';

let site: TestSite;
beforeAll(async () => {
  site = await startTestSite({ smtp: true });
});
afterAll(() => site.close());

const sign = async (slug: string, email: string) => {
  const res = await fetch(`${site.url}/letters/${slug}/signatures`, { method: 'POST', body: new URLSearchParams(signForm({ email })), redirect: 'manual' });
  expect(res.status).toBe(303);
};

/** The To address of each mail the SMTP peer has received so far, as it travelled (mailparser would show a punycoded domain decoded). */
const received = async (count: number): Promise<string[]> =>
  (await site.peer!.waitForMessages(count)).map((mail) => {
    const line = mail.headerLines.find((header) => header.key === 'to')?.line ?? '';
    return line.replace(/^To:\s*/i, '').replace(/^.*<([^>]+)>$/, '$1');
  });

/**
 * A look-alike of an owner's address signs first; then the owner signs. Every mail must go to the
 * address the key stands for, so the owner's confirmation never lands at the look-alike spelling.
 */
describe.each([
  ['full-width letters in the domain', 'victim@ｅｘａｍｐｌｅ.org', 'victim@example.org'],
  ['a full-width local part and at sign', 'ｖｉｃｔｉｍ＠example.org', 'victim@example.org'],
  ['a soft hyphen in the domain', 'victim@exam\u00ADple.org', 'victim@example.org'],
  ['a zero-width space in the local part', 'vic\u200Btim@example.org', 'victim@example.org'],
  ['a word joiner and a byte-order mark', '\uFEFFvic\u2060tim@example.org', 'victim@example.org'],
  ['an internationalised domain', 'anna@Bücher.example', 'anna@xn--bcher-kva.example'],
  ['upper case in the domain', 'victim@EXAMPLE.ORG', 'victim@example.org'],
])('a look-alike spelling with %s', (_class, lookAlike, address) => {
  it(`when ${JSON.stringify(lookAlike)} signs before the owner of ${address}, then both mails go to ${address} and that is the address stored`, async () => {
    const letter = await buildLetter(site.ctx);
    const before = site.peer!.messages.length;

    await sign(letter.slug, lookAlike);
    expect((await signatureByEmail(site.ctx, address))?.email).toBe(address);
    await sign(letter.slug, address);

    expect((await received(before + 2)).slice(before)).toEqual([address, address]);
    expect(await signatureByEmail(site.ctx, address)).toMatchObject({ email: address, emailKey: address.toLowerCase() });
  });
});
