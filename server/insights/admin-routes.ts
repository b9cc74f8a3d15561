import { Router } from 'express';
import type { Context } from '../context.js';
import { sendCsv, type CsvColumn } from '../lib/csv/index.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { letterInsights, type LetterInsights } from './figures.js';
import { dayText, hourText, insightCharts, numberText, rateText } from './present.js';
import { closedSince, findLetter, type LetterRow } from '../letters/index.js';
import { listPartners } from '../partners/index.js';
import { requireOrganiser } from '../organisers/index.js';

/** One line of the figures' CSV: what it counts, which one, and its numbers (blank where not counted). */
interface FigureLine {
  section: string;
  item: string;
  signers?: number;
  confirmed?: number;
  listed?: number;
  rate?: string;
}

const CSV_COLUMNS: readonly CsvColumn<FigureLine>[] = [
  { header: 'Section', value: (line) => line.section },
  { header: 'Item', value: (line) => line.item },
  { header: 'Signers', value: (line) => (line.signers === undefined ? '' : String(line.signers)) },
  { header: 'Confirmed', value: (line) => (line.confirmed === undefined ? '' : String(line.confirmed)) },
  { header: 'Listed', value: (line) => (line.listed === undefined ? '' : String(line.listed)) },
  { header: 'Confirmation rate', value: (line) => line.rate ?? '' },
];

export const sourceLabel = (source: { ref: string; partner: string | undefined }): string =>
  source.ref === '' ? 'direct (no ref)' : source.partner ? `${source.partner} (${source.ref})` : `${source.ref} (not registered)`;

/** The page's figures as CSV lines, section by section: small (a few hundred lines), so sent in one go. */
function* figureLines(insights: LetterInsights): Generator<FigureLine> {
  for (const [state, n] of Object.entries(insights.states)) yield { section: 'state', item: state, signers: n };
  yield { section: 'verified affiliation', item: 'verified', confirmed: insights.verified.yes };
  yield { section: 'verified affiliation', item: 'not verified', confirmed: insights.verified.no };
  for (const source of insights.sources) yield { section: 'source', item: sourceLabel(source), signers: source.signers, confirmed: source.confirmed, rate: rateText(source.rate) };
  for (const organisation of insights.organisations.top) yield { section: 'top organisation', item: organisation.name, listed: organisation.listed };
  for (const domain of insights.domains) yield { section: 'top email domain', item: domain.domain, signers: domain.signers, confirmed: domain.confirmed };
  for (const hour of insights.hours) yield { section: 'hour (first 72)', item: hourText(hour.start), confirmed: hour.confirmed };
  for (const day of insights.days) yield { section: 'day (UTC)', item: dayText(day.start), confirmed: day.confirmed };
}

/**
 * How long the figures' part of the insights page is kept per letter. The letter's own counts,
 * read fresh with it, move on every signature, confirmation, withdrawal and moderation, and start
 * a recount at once; a change they miss (a signature erased while another came in, a partner
 * registered) shows within this time. The page says when its figures were counted.
 */
const FIGURES_FRESH_MS = 5_000;

/** What the kept figures were counted from: the letter's counts, what else the page shows of it, its partners and the time window. */
async function figuresFingerprint(db: Context['db'], letter: LetterRow, now: Date): Promise<string> {
  const partners = await listPartners(db, letter.id);
  return JSON.stringify([
    Math.floor(now.getTime() / FIGURES_FRESH_MS),
    letter.slug,
    letter.opensAt?.getTime(),
    closedSince(letter, now)?.getTime(),
    letter.countUnconfirmed,
    letter.countPending,
    letter.countApproved,
    letter.countRejected,
    letter.countWithdrawn,
    letter.countListed,
    letter.publicRevision,
    partners.map((partner) => [partner.ref, partner.name]),
  ]);
}

/** How a letter's campaign moves: signing over time, sources, affiliations, organisations and domains. Every organiser of the letter may look. */
export function insightsAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');

  router.get('/admin/letters/:slug/insights', anyOrganiser, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const now = ctx.now();
    const figures = await ctx.pages.get(`insights:${letter.id}`, await figuresFingerprint(ctx.db, letter, now), async () => {
      const insights = await letterInsights(ctx.db, letter, now);
      return ctx.views.render('insights/figures', { letter, insights, charts: insightCharts(insights), countedAt: now, freshSeconds: FIGURES_FRESH_MS / 1000, sourceLabel, rateText, dayText, hourText, numberText });
    });
    renderPage(res, 'insights/show', { title: `Insights: ${letter.title}`, stylesheets: ['insights.css'], letter, figuresHtml: figures.html });
  });

  router.get('/admin/letters/:slug/insights.csv', anyOrganiser, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const insights = await letterInsights(ctx.db, letter, ctx.now());
    await sendCsv(res, `${letter.slug}-insights.csv`, CSV_COLUMNS, figureLines(insights));
  });

  return router;
}
