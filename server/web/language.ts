import type { Request, RequestHandler, Response } from 'express';
import { DEFAULT_LANGUAGE, siteLanguageFor, ownLanguageName, SITE_LANGUAGES, translatorFor, type Translator } from './i18n.js';
import { textValue } from './forms.js';

/**
 * Which language a request is answered in, among the languages a page exists in (`available`, its
 * fallback first): `?lang=xx` when it is one of them (anything else is ignored, never an error),
 * else the best of Accept-Language by its q-values (Express's `accepts`, i.e. `negotiator`), else
 * the fallback.
 */
export function chooseLanguage(req: Request, available: readonly string[]): string {
  const asked = textValue(req.query.lang);
  if (asked !== undefined && available.includes(asked)) return asked;
  if (available.length === 1) return available[0] as string;
  return req.acceptsLanguages(...available) || (available[0] as string);
}

/** One entry of a page's language switcher and of its `<link rel="alternate" hreflang>`. */
export interface LanguageLink {
  code: string;
  /** The language's name in its own words. */
  name: string;
  /** Same-site address of the page in that language. */
  href: string;
  current: boolean;
}

/** The page's address (`path`, else the request's with its other query values) with `?lang=code`, or without lang. */
export function addressInLanguage(req: Request, code: string | undefined, path?: string): string {
  const url = new URL(path ?? req.originalUrl, 'http://x');
  url.searchParams.delete('lang');
  if (code !== undefined) url.searchParams.set('lang', code);
  return `${url.pathname}${url.search}`;
}

/** The switcher of a page available in `languages`, `current` being the one shown. */
export const languageLinks = (req: Request, languages: readonly string[], current: string, path?: string): LanguageLink[] =>
  languages.map((code) => ({ code, name: ownLanguageName(code), href: addressInLanguage(req, code, path), current: code === current }));

/** What a view needs to speak a language: `it.t`, `it.tHtml`, `it.n`, `it.day`, `it.lang`. */
export const speaking = (translator: Translator) => ({ lang: translator.lang, t: translator.t, tHtml: translator.tHtml, n: translator.n, day: translator.day });

/** The language of a page of a letter, among the letter's own: the interface follows where the site speaks it, else stays as negotiated. */
export function answerInLetterLanguage(req: Request, res: Response, languages: readonly string[], path?: string): string {
  const shown = chooseLanguage(req, languages);
  answerIn(req, res, { lang: siteLanguageFor(shown) ?? (res.locals.lang as string), available: languages, shown, path });
  return shown;
}

export interface PageLanguages {
  /** The language the interface speaks. */
  lang: string;
  /** The languages the page exists in; the first is the fallback. */
  available: readonly string[];
  /** The one shown, when it is not the interface's (a letter translated into a language the site does not speak). */
  shown?: string;
  /** The page's own address when the request's would not do (a kept page: no one visitor's query values). */
  path?: string;
}

/** Answers the rest of the request in a language (a page that picks among its own languages calls this again). */
export function answerIn(req: Request, res: Response, page: PageLanguages): void {
  const { lang, available, shown = lang, path } = page;
  Object.assign(res.locals, speaking(translatorFor(lang)), {
    textLang: shown,
    // Links to other pages of the same text keep its language when there is a choice.
    langQuery: available.length > 1 ? `?lang=${shown}` : '',
    languages: available.length > 1 ? languageLinks(req, available, shown, path) : [],
    defaultHref: addressInLanguage(req, undefined, path),
  });
  // Unless ?lang settled both the text and the interface, the answer depends on Accept-Language
  // (no ?lang, an unknown one, a letter language the site does not speak): a shared cache must keep one per value.
  const asked = textValue(req.query.lang);
  if (available.length > 1 && !(asked === shown && asked === lang)) res.vary('Accept-Language');
}

/** A page about one signature (its links are in the signer's mails) speaks the signer's language unless the reader chose one. */
export function answerInSignersLanguage(req: Request, res: Response, lang: string): void {
  const spoken = siteLanguageFor(lang);
  if (textValue(req.query.lang) === undefined && spoken) answerIn(req, res, { lang: spoken, available: SITE_LANGUAGES });
}

/** What a kept page needs of the response's language to be rendered (see answerIn): never a visitor's own values. */
export function keptPageLanguage(res: Response) {
  const { lang, t, tHtml, n, day, textLang, langQuery, languages, defaultHref } = res.locals as ReturnType<typeof speaking> & { textLang: string; langQuery: string; languages: LanguageLink[]; defaultHref: string };
  return { lang, t, tHtml, n, day, textLang, langQuery, languages, defaultHref };
}

/**
 * The interface's language for every public page (organiser pages stay in English): chosen
 * among the site's languages. Letter pages choose again among the letter's own (see answerIn).
 */
export const speakTheReadersLanguage: RequestHandler = (req, res, next) => {
  if (req.path.startsWith('/admin') || req.path.startsWith('/dev/')) answerIn(req, res, { lang: DEFAULT_LANGUAGE, available: [DEFAULT_LANGUAGE] });
  else answerIn(req, res, { lang: chooseLanguage(req, SITE_LANGUAGES), available: SITE_LANGUAGES });
  next();
};
