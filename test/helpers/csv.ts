import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import type { Context } from '../../server/context.js';
import { exportSignatures, type SignatureExportRequest } from '../../server/exports/export-signatures.js';

/** Parses CSV text the way a spreadsheet or script would: header row to keys, RFC 4180 quoting, BOM skipped. */
export const parseCsv = (text: string): Array<Record<string, string>> => parse(text, { columns: true, bom: true, relax_column_count: false });

/** A writable that keeps everything written to it. */
export function collectingSink(): { sink: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs an export into memory; returns the raw text, the parsed rows and the row count reported. */
export async function exportToText(ctx: Context, request: Partial<SignatureExportRequest> & { letterId: number }) {
  const { sink, text } = collectingSink();
  const result = await exportSignatures(ctx, { filters: {}, includeEmails: true, actor: SYSTEM_ACTOR, ...request }, sink);
  return { text: text(), rows: parseCsv(text()), result };
}
