import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import i18next, { type i18n, type TOptions } from 'i18next';
import { projectPath } from '../lib/project-root.js';

/**
 * The interface's languages: one message catalogue per language in locales/<code>.json (README
 * "Adding a language"). English is complete and the fallback: a key another catalogue lacks is
 * said in English rather than shown as a key (a test fails on any missing key).
 */
export const DEFAULT_LANGUAGE = 'en';

/** A catalogue is nested JSON; `_one`/`_other` (and `_zero`, `_few`, `_many`) suffixes are i18next's plural forms. */
export type Catalogue = { [key: string]: string | Catalogue };

const LOCALES_DIR = projectPath('locales');

function loadCatalogues(): Record<string, Catalogue> {
  const files = readdirSync(LOCALES_DIR).filter((file) => /^[a-z]{2,3}(-[A-Z]{2})?\.json$/.test(file)).sort();
  return Object.fromEntries(files.map((file) => [basename(file, '.json'), JSON.parse(readFileSync(`${LOCALES_DIR}/${file}`, 'utf8')) as Catalogue]));
}

const CATALOGUES = loadCatalogues();

/** The languages the interface speaks, English first: each has a catalogue in locales/. */
export const SITE_LANGUAGES: readonly string[] = [DEFAULT_LANGUAGE, ...Object.keys(CATALOGUES).filter((code) => code !== DEFAULT_LANGUAGE)];

export const isSiteLanguage = (code: unknown): code is string => typeof code === 'string' && SITE_LANGUAGES.includes(code);

/** The site language that speaks a text's language: itself, or its primary language (de for de-AT); none if the site does not speak it. */
export function siteLanguageFor(code: string): string | undefined {
  if (SITE_LANGUAGES.includes(code)) return code;
  const primary = code.split('-')[0];
  return isSiteLanguage(primary) ? primary : undefined;
}

export const catalogueOf = (code: string): Catalogue | undefined => CATALOGUES[code];

/** As Eta escapes: the five characters that can open or close markup or an attribute. */
const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const engine: i18n = i18next.createInstance();
void engine.init({
  resources: Object.fromEntries(Object.entries(CATALOGUES).map(([code, catalogue]) => [code, { translation: catalogue }])),
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...SITE_LANGUAGES],
  // Catalogues are read once, synchronously, at start-up: nothing to wait for.
  initAsync: false,
  // Views escape what they print (Eta's `<%=`); tHtml escapes the values for the few messages holding markup.
  interpolation: { escapeValue: false, escape: escapeHtml },
  returnNull: false,
  // Keys are dotted paths; a colon is only ever text (an English message passed through as its own key).
  nsSeparator: false,
});

type Values = Record<string, unknown>;

/** What views and mails say and how they write numbers and dates, in one language. */
export interface Translator {
  lang: string;
  /** The message `key` as plain text (print it with `<%=`); `count` picks the plural form. */
  t(key: string, values?: Values): string;
  /** A message holding markup of our own catalogue (links, emphasis), its values escaped: print it with `<%~`. */
  tHtml(key: string, values?: Values): string;
  /** A number as the language writes it (1,234 · 1 234 · 1.234). */
  n(value: number): string;
  /** A day as the language writes it (30 November 2026 · 30 novembre 2026). */
  day(date: Date): string;
}

const translators = new Map<string, Translator>();

/** The translator of a site language (or of its primary language: de for de-AT); any other code gets English's. */
export function translatorFor(lang: string): Translator {
  const code = siteLanguageFor(lang) ?? DEFAULT_LANGUAGE;
  let translator = translators.get(code);
  if (!translator) {
    translator = createTranslator(code);
    translators.set(code, translator);
  }
  return translator;
}

function createTranslator(lang: string): Translator {
  const fixed = engine.getFixedT(lang);
  const numbers = new Intl.NumberFormat(lang);
  const days = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    lang,
    t: (key, values) => String(fixed(key, values as TOptions)),
    tHtml: (key, values) => String(fixed(key, { ...(values as TOptions), interpolation: { escapeValue: true } })),
    n: (value) => numbers.format(value),
    day: (date) => days.format(date),
  };
}

/** A language's name in its own words ("Français", "Deutsch"): a switcher names each so, so a reader finds theirs whatever the page's language. */
export function ownLanguageName(code: string): string {
  const own = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  return own.charAt(0).toLocaleUpperCase(code) + own.slice(1);
}
