import type { Context } from '../../server/context.js';
import type { LetterRow } from '../../server/letters/table.js';
import { buildSignature } from './factories.js';

/**
 * The numbers of an insights table, by row: `{ key: [n, …] }`, the key being the row's data-*
 * attribute (an hour's ISO start, a day, a state, a source's ref, a domain). Numbers as shown
 * ("1,234" → 1234); a cell without a number (a rate of "–") is NaN.
 */
export function figuresTable(html: string, tableId: string): Record<string, number[]> {
  const table = html.match(new RegExp(`<table[^>]*id="${tableId}"[\\s\\S]*?</table>`))?.[0];
  if (!table) throw new Error(`no table #${tableId} on the page`);
  const rows: Record<string, number[]> = {};
  for (const [, key, cells] of table.matchAll(/<tr data-[a-z]+="([^"]*)">([\s\S]*?)<\/tr>/g)) {
    rows[key!] = [...cells!.matchAll(/<td class="number">([^<]*)<\/td>/g)].map(([, text]) => Number(text!.replace(/[,%]/g, '')));
  }
  return rows;
}

/** Non-zero rows only, with their first number: `{ '2026-11-01': 3 }`. */
export const nonZero = (rows: Record<string, number[]>): Record<string, number> =>
  Object.fromEntries(Object.entries(rows).filter(([, numbers]) => numbers[0] !== 0).map(([key, numbers]) => [key, numbers[0]!]));

/** `count` signatures in `state`, confirmed (for the states after confirmation) at `confirmedAt`. */
export async function signaturesConfirmedAt(ctx: Pick<Context, 'db' | 'now'>, letter: LetterRow, count: number, confirmedAt: Date, overrides: Parameters<typeof buildSignature>[2] = {}): Promise<void> {
  for (let i = 0; i < count; i += 1) await buildSignature(ctx, letter, { state: 'approved', signedAt: new Date(confirmedAt.getTime() - 60_000), confirmedAt, ...overrides });
}
