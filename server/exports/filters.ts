import { z } from 'zod';
import { AppError } from '../web/errors.js';
import { SIGNATURE_STATES } from '../signatures/index.js';

export const EXPORT_STATES = [...SIGNATURE_STATES, 'all'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** Filters as they arrive from a query string, a form or the command line. */
export interface ExportFilterInput {
  state?: string | undefined;
  verified?: string | undefined;
  since?: string | undefined;
}

export interface ExportFilters {
  state: ExportState;
  /** Only signatures whose affiliation was (true) or was not (false) verified. */
  verified: boolean | undefined;
  /** Only signatures made at or after this time. */
  since: Date | undefined;
}

const blankIsAbsent = (raw: unknown): unknown => (raw === '' || raw === null ? undefined : raw);

const schema = z.object({
  state: z.preprocess(blankIsAbsent, z.enum(EXPORT_STATES, { error: `state must be one of: ${EXPORT_STATES.join(', ')}` }).default('all')),
  verified: z.preprocess(
    blankIsAbsent,
    z
      .enum(['yes', 'no'], { error: 'verified must be yes or no' })
      .optional()
      .transform((value) => (value === undefined ? undefined : value === 'yes')),
  ),
  since: z.preprocess(
    blankIsAbsent,
    z
      .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'since must be a date like 2026-11-28, or a time like 2026-11-28T04:12:00Z' })
      .optional()
      .transform((value) => (value === undefined ? undefined : new Date(value))),
  ),
});

/** Checks export filters; a bad value is a 422 naming the filter, never a silently wider export. */
export function parseExportFilters(input: ExportFilterInput): ExportFilters {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => issue.message);
    throw new AppError('invalid_export_filter', 422, `${messages.join('; ')}.`, { fields: parsed.error.issues.map((issue) => String(issue.path[0])) });
  }
  return parsed.data;
}

/** The filters as plain values, for the audit record. */
export const describeFilters = (filters: ExportFilters): Record<string, unknown> => ({
  state: filters.state,
  verified: filters.verified === undefined ? 'any' : filters.verified ? 'yes' : 'no',
  since: filters.since?.toISOString() ?? null,
});
