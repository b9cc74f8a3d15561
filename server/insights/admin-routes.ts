import { Router } from 'express';
import type { Context } from '../context.js';
import { sendCsv, type CsvColumn } from '../lib/csv/index.js';
import { param } from '../web/params.js';
import { renderPage } from '../web/render.js';
import { letterInsights, type LetterInsights } from './figures.js';
import { dayText, hourText, insightCharts, numberText, rateText } from './present.js';
import { findLetter } from '../letters/index.js';
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

/** How a letter's campaign moves: signing over time, sources, affiliations, organisations and domains. Every organiser of the letter may look. */
export function insightsAdminRoutes(ctx: Context): Router {
  const router = Router();
  const anyOrganiser = requireOrganiser(ctx, 'viewer');

  router.get('/admin/letters/:slug/insights', anyOrganiser, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const insights = await letterInsights(ctx.db, letter, ctx.now());
    renderPage(res, 'insights/show', { title: `Insights: ${letter.title}`, stylesheets: ['insights.css'], letter, insights, charts: insightCharts(insights), sourceLabel, rateText, dayText, hourText, numberText });
  });

  router.get('/admin/letters/:slug/insights.csv', anyOrganiser, async (req, res) => {
    const letter = await findLetter(ctx.db, param(req, 'slug'));
    const insights = await letterInsights(ctx.db, letter, ctx.now());
    await sendCsv(res, `${letter.slug}-insights.csv`, CSV_COLUMNS, figureLines(insights));
  });

  return router;
}
