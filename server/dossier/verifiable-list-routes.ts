import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Context } from '../context.js';
import { textValue } from '../web/forms.js';
import { param } from '../web/params.js';
import { findPublicLetter } from '../letters/index.js';
import type { Manifest } from './chain.js';
import { listChanged, listRevisionOf, manifestOf, readSignatoryChain } from './signatory-list.js';

/** Letters whose manifest is kept (each a few hundred bytes) while their list is unchanged. */
const KEPT_MANIFESTS = 200;

/** The reader went away mid-download: there is nobody left to answer. */
const isClientGone = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';

/**
 * The verifiable list: signatories.ndjson (the hash chain, streamed) and manifest.json (its count
 * and head). The manifest names the list's revision; the list fetched with `?revision=` is exactly
 * the one the manifest describes, or a 409 when it has changed since (see README "Handing the
 * letter over").
 */
export function verifiableListRoutes(ctx: Context): Router {
  const router = Router();
  // Working out a head reads the whole list: kept per letter until its revision moves.
  const manifests = new Map<string, Manifest>();

  router.get('/letters/:slug/manifest.json', async (req, res) => {
    const slug = param(req, 'slug');
    const revision = listRevisionOf(await findPublicLetter(ctx.db, slug));
    let manifest = manifests.get(slug);
    if (manifest?.revision !== revision) {
      manifest = await manifestOf(ctx, slug);
      manifests.delete(slug);
      manifests.set(slug, manifest);
      if (manifests.size > KEPT_MANIFESTS) manifests.delete(manifests.keys().next().value as string);
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.json(manifest);
  });

  router.get('/letters/:slug/signatories.ndjson', async (req, res) => {
    const wanted = textValue(req.query.revision);
    try {
      await readSignatoryChain(ctx, param(req, 'slug'), async (snapshot, chunks) => {
        if (wanted !== undefined && wanted !== snapshot.revision) throw listChanged(snapshot.revision);
        res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
        res.setHeader('Content-Disposition', `inline; filename="${snapshot.slug}-signatories.ndjson"`);
        res.setHeader('X-List-Revision', snapshot.revision);
        res.setHeader('Cache-Control', 'no-cache');
        if (req.method === 'HEAD') return void res.end();
        await pipeline(Readable.from(chunks, { objectMode: false }), res);
      });
    } catch (error) {
      if (!isClientGone(error)) throw error;
    }
  });

  return router;
}
