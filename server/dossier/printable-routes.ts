import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Context } from '../context.js';
import { param } from '../web/params.js';
import { answerInLetterLanguage, keptPageLanguage } from '../web/language.js';
import { listApprovedEndorsements, organisationsAmong } from '../endorsements/index.js';
import { findPublicLetterWithVersion, letterLanguages, signatureCount, versionHtml, type PublicLetter } from '../letters/index.js';
import { allPublicSignatories, type PublicSignatory } from '../signatures/index.js';

/** Signatories rendered per write: a page of the list, never the whole of it in memory. */
const ROWS_PER_CHUNK = 500;

/**
 * The dossier organisers hand to the recipient: the current text with its SHA-256, the endorsing
 * organisations and every listed signatory. Public, since it shows only what the public pages show.
 */
export function printableDossierRoutes(ctx: Context): Router {
  const router = Router();
  router.get('/letters/:slug/dossier', async (req, res) => {
    const found = await findPublicLetterWithVersion(ctx.db, param(req, 'slug'));
    // The text is the original; the dossier's own words speak the reader's language among the letter's.
    answerInLetterLanguage(req, res, letterLanguages(found.letter));
    const language = keptPageLanguage(res);
    const head = await dossierHead(ctx, found, language);
    res.status(200).type('html');
    res.setHeader('Cache-Control', 'no-cache');
    try {
      await pipeline(Readable.from(dossierChunks(ctx, found, head, language)), res);
    } catch (error) {
      // The reader went away mid-page: nothing to answer.
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  });
  return router;
}

type DossierLanguage = ReturnType<typeof keptPageLanguage>;

async function dossierHead(ctx: Context, { letter, version }: PublicLetter, language: DossierLanguage): Promise<string> {
  return ctx.views.render('dossier/head', {
    ...language,
    title: language.t('dossier.title', { title: version.title }),
    letter,
    version,
    bodyHtml: versionHtml(version),
    letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}`,
    count: signatureCount(letter),
    listed: letter.countListed,
    ...(await endorsedBy(ctx, letter.id)),
    generatedAt: ctx.now(),
  });
}

/** The document in pieces: its head, the listed signatories a page at a time as the database yields them, its foot. */
async function* dossierChunks(ctx: Context, { letter }: PublicLetter, head: string, language: DossierLanguage): AsyncGenerator<string> {
  yield head;
  let rows: PublicSignatory[] = [];
  for await (const signatory of allPublicSignatories(ctx.db, { letterId: letter.id })) {
    rows.push(signatory);
    if (rows.length === ROWS_PER_CHUNK) {
      yield ctx.views.render('dossier/rows', { ...language, signatories: rows });
      rows = [];
    }
  }
  if (rows.length > 0) yield ctx.views.render('dossier/rows', { ...language, signatories: rows });
  yield ctx.views.render('dossier/foot', {});
}

async function endorsedBy(ctx: Context, letterId: number) {
  const endorsements = await listApprovedEndorsements(ctx.db, letterId);
  return { endorsements, endorsingOrganisations: organisationsAmong(endorsements) };
}
