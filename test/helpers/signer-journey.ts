import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { linkIn } from './smtp.js';
import type { TestSite } from './site.js';

export interface Signer {
  name: string;
  email: string;
  organisation: string;
  title: string;
}

/** A new signer on each call (each needs their own address): "Mary Jackson 1", "Mary Jackson 2"… */
export function newPeople(name: string, organisation: string, title: string): () => Signer {
  let count = 0;
  const mailbox = name.split(' ')[0]?.toLowerCase() ?? 'signer';
  return () => {
    count += 1;
    return { name: `${name} ${count}`, email: `${mailbox}${count}@example.org`, organisation, title };
  };
}

/** The number in the letter's count, as a reader sees it. */
export async function countOn(page: Page): Promise<number> {
  const text = await page.locator('#signature-count strong').textContent();
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

const heading = (page: Page) => page.locator('h1').textContent();

/**
 * The whole journey a signer makes in a browser: letter → form → check your email → the mail from
 * the SMTP peer → confirm page → Confirm → thank-you page → back to the letter. `everyPage` runs
 * on each stop. Returns the letter's count before and after.
 */
export async function signAndConfirmInBrowser(page: Page, site: TestSite, letterPath: string, person: Signer, everyPage: (page: Page) => Promise<void> = async () => {}): Promise<{ before: number; after: number }> {
  await page.goto(site.url + letterPath);
  await everyPage(page);
  const before = await countOn(page);

  await page.getByLabel('Full name').fill(person.name);
  await page.getByLabel('Email address').fill(person.email);
  await page.getByLabel('Organisation').fill(person.organisation);
  await page.getByLabel('Role or title').fill(person.title);
  await page.getByRole('button', { name: 'Sign the letter' }).click();
  await page.waitForURL(/\/check-your-email/);
  expect(await heading(page)).toBe('Check your email');
  await everyPage(page);

  const mail = await site.mailTo(person.email);
  expect(mail.subject).toContain('Confirm your signature');
  await page.goto(site.local(linkIn(mail, /\/signatures\/confirm\//)));
  expect(await heading(page)).toBe('Confirm your signature');
  expect(await page.locator('main').textContent()).toContain(person.name);
  await everyPage(page);

  await page.getByRole('button', { name: 'Confirm my signature' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thank you for signing' }).waitFor();
  await everyPage(page);

  await page.getByRole('link', { name: 'Back to the letter' }).click();
  await page.waitForURL(new RegExp(`${letterPath}(\\?lang=[a-z]+)?$`));
  await everyPage(page);
  return { before, after: await countOn(page) };
}
