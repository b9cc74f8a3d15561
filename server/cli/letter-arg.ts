import type { Context } from '../context.js';
import { AppError } from '../web/errors.js';
import { CliError } from './command.js';
import { findLetter, type LetterRow } from '../letters/index.js';

/** The letter a command names by slug, drafts included; an unknown slug is a one-line error. */
export async function letterFromArg(ctx: Context, slug: string): Promise<LetterRow> {
  try {
    return await findLetter(ctx.db, slug);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) throw new CliError(`there is no letter "${slug}"`);
    throw error;
  }
}
