import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { RequestHandler } from 'express';
import { projectPath } from '../lib/project-root.js';

const PUBLIC_DIR = projectPath('public');
const TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain' };

export interface Assets {
  /** The fingerprinted URL of a file in public/, e.g. /assets/site.3f2a9c1b0d.css. */
  url(file: string): string;
  serve: RequestHandler;
}

/**
 * Files in public/ are served under names that carry a hash of their content, so they can be
 * cached for a year and a new deploy still reaches every browser at once.
 */
export function loadAssets(): Assets {
  const byUrl = new Map<string, { body: Buffer; type: string; etag: string }>();
  const urlByFile = new Map<string, string>();
  for (const file of readdirSync(PUBLIC_DIR, { recursive: true, encoding: 'utf8' })) {
    const path = join(PUBLIC_DIR, file);
    const extension = extname(file);
    const type = TYPES[extension];
    if (!type) continue;
    const body = extension === '.css' ? Buffer.from(withoutCommentsAndIndent(readFileSync(path, 'utf8'))) : readFileSync(path);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    const url = `/assets/${file.slice(0, -extension.length)}.${hash}${extension}`;
    byUrl.set(url, { body, type, etag: `"${hash}"` });
    urlByFile.set(file, url);
  }
  return {
    url(file) {
      const url = urlByFile.get(file);
      if (!url) throw new Error(`no asset public/${file}`);
      return url;
    },
    serve(req, res, next) {
      const asset = byUrl.get(req.path);
      if (!asset) return next();
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('ETag', asset.etag);
      if (req.get('if-none-match') === asset.etag) return void res.status(304).end();
      res.type(asset.type).send(asset.body);
    },
  };
}

/**
 * The stylesheets are written to be read, with comments and indentation; browsers need neither,
 * and the letter page's weight budget counts every byte. (No stylesheet holds a comment marker
 * inside a string.)
 */
export function withoutCommentsAndIndent(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}
