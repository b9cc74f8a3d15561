import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueOf, SITE_LANGUAGES, type Catalogue } from '../../server/web/i18n.js';
import { projectPath } from '../../server/lib/project-root.js';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(catalogue: Catalogue, prefix = ''): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === 'string') keys.set(`${prefix}${key}`, value);
    else for (const [inner, text] of flatten(value, `${prefix}${key}.`)) keys.set(inner, text);
  }
  return keys;
}

/**
 * What a catalogue lacks that English has: every plain key, and for each plural message every
 * plural form the language's own rules ask for (French needs _many, German does not).
 */
export function missingFrom(english: Map<string, string>, other: Map<string, string>, lang: string): string[] {
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  const needed = new Set<string>();
  for (const key of english.keys()) {
    if (PLURAL.test(key)) for (const category of categories) needed.add(key.replace(PLURAL, `_${category}`));
    else needed.add(key);
  }
  return [...needed].filter((key) => !other.has(key)).sort();
}

/** The catalogue keys named by literal strings in views and server code (`it.t('sign.heading')`, `t(cond ? 'a.b' : 'a.c')`). */
export function keysUsedIn(source: string, sections: readonly string[]): string[] {
  const pattern = new RegExp(`['\`]((?:${sections.join('|')})\\.[A-Za-z0-9_.-]+)['\`]`, 'g');
  return [...source.matchAll(pattern)].map((match) => match[1] as string).filter((key) => !key.includes('${') && !key.endsWith('.') && !/\.(eta|js|ts|json|css)$/.test(key));
}

const filesUnder = (dir: string, ext: RegExp): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile() && ext.test(entry.name)).map((entry) => join(entry.parentPath, entry.name));

const english = flatten(catalogueOf('en') as Catalogue);
const has = (key: string) => english.has(key) || english.has(`${key}_one`) || english.has(`${key}_other`);
/** A key, or the prefix a form names its messages by (cleanText's messageKeys: `sign.fields.name` → `.required`…). */
const hasOrPrefixes = (key: string) => has(key) || [...english.keys()].some((known) => known.startsWith(`${key}.`));

describe('message catalogues', () => {
  it('when the site starts, then it speaks English first and every language with a catalogue in locales/', () => {
    const files = readdirSync(projectPath('locales')).filter((file) => file.endsWith('.json')).map((file) => file.replace('.json', ''));
    expect(SITE_LANGUAGES[0]).toBe('en');
    expect([...SITE_LANGUAGES].sort()).toEqual(files.sort());
    expect(SITE_LANGUAGES).toEqual(expect.arrayContaining(['en', 'fr', 'de']));
  });

  it.each(SITE_LANGUAGES.filter((lang) => lang !== 'en'))('when the %s catalogue is read, then it has every key English has, with its own plural forms', (lang) => {
    expect(missingFrom(english, flatten(catalogueOf(lang) as Catalogue), lang)).toEqual([]);
  });

  it.each(SITE_LANGUAGES.filter((lang) => lang !== 'en'))('when the %s catalogue is read, then it has no key English lacks and uses no value English does not give', (lang) => {
    const other = flatten(catalogueOf(lang) as Catalogue);
    const base = (key: string) => key.replace(PLURAL, '');
    expect([...other.keys()].filter((key) => !has(base(key)))).toEqual([]);
    const placeholders = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]));
    const englishValues = (key: string) => placeholders([...english].filter(([k]) => base(k) === base(key)).map(([, text]) => text).join(' '));
    const stray = [...other].filter(([key, text]) => [...placeholders(text)].some((name) => !englishValues(key).has(name) && name !== 'count')).map(([key]) => key);
    expect(stray).toEqual([]);
  });

  it('when a catalogue misses a key or a plural form, then the check names it', () => {
    const english = new Map([['a.b', 'x'], ['a.c_one', 'one'], ['a.c_other', 'other']]);
    expect(missingFrom(english, new Map([['a.c_one', '1'], ['a.c_other', 'n']]), 'fr')).toEqual(['a.b', 'a.c_many']);
    expect(missingFrom(english, new Map([['a.b', 'x'], ['a.c_one', '1'], ['a.c_other', 'n']]), 'de')).toEqual([]);
  });

  it('when views, mails and server code name a catalogue key, then English has it', () => {
    const sections = Object.keys(catalogueOf('en') as Catalogue);
    const views = filesUnder(projectPath('views'), /\.eta$/).map((file) => readFileSync(file, 'utf8'));
    // In server code, only the lines that translate (audit actions like 'letter.create' are no keys).
    const translating = /\b(t|tHtml|wordsOf\(res\))\(|messageKeys|`errors\./;
    const server = filesUnder(projectPath('server'), /\.ts$/).flatMap((file) => readFileSync(file, 'utf8').split('\n').filter((line) => translating.test(line)));
    const used = new Set([...views, ...server].flatMap((source) => keysUsedIn(source, sections)));
    expect(used.size).toBeGreaterThan(150);
    expect([...used].filter((key) => !hasOrPrefixes(key)).sort()).toEqual([]);
  });

  it('when a view names a key English lacks, then the scan finds it', () => {
    const used = keysUsedIn(`<%= it.t('sign.heading') %> <%= it.t(ok ? 'sign.submit' : 'sign.nowhere') %>`, ['sign']);
    expect(used).toEqual(['sign.heading', 'sign.submit', 'sign.nowhere']);
    expect(used.filter((key) => !has(key))).toEqual(['sign.nowhere']);
  });
});
