import { createHash } from 'node:crypto';

/** A page ready to send: its bytes and entity tag, worked out once rather than on every send. */
export interface SentPage {
  body: Buffer;
  etag: string;
}

export function sentPageOf(html: string): SentPage {
  const body = Buffer.from(html);
  return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** A kept page: its text too, for pages that fill a slot in per request. */
export interface KeptPage extends SentPage {
  html: string;
}

/**
 * Rendered public pages, kept while what they show is unchanged. Each page is stored under a key
 * (which page) with a fingerprint (the state it was rendered from, read fresh on every request);
 * a request whose fingerprint differs renders again and replaces it. During a surge the letter
 * page and the first list page are read thousands of times between two changes.
 */
export interface PageCache {
  /** The page stored under `key` if it was rendered from `fingerprint`, else `render()`'s, stored. */
  get(key: string, fingerprint: string, render: () => Promise<string>): KeptPage | Promise<KeptPage>;
}

export function createPageCache(maxPages = 200): PageCache {
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently used first.
  const pages = new Map<string, KeptPage & { fingerprint: string }>();
  return {
    get(key, fingerprint, render) {
      const keep = (page: KeptPage & { fingerprint: string }) => {
        pages.delete(key);
        pages.set(key, page);
        if (pages.size > maxPages) pages.delete(pages.keys().next().value as string);
        return page;
      };
      const kept = pages.get(key);
      // A kept page is answered at once, without a turn of the event loop: the common case.
      if (kept?.fingerprint === fingerprint) return keep(kept);
      return render().then((html) => keep(rendered(fingerprint, html)));
    },
  };
}

const rendered = (fingerprint: string, html: string) => ({ fingerprint, html, ...sentPageOf(html) });
