import { parseArgs } from 'node:util';
import { CliError } from './command.js';

type StringOptions = Record<string, { type: 'string' } | { type: 'boolean' }>;

/** Strict option parsing: an unknown or malformed option is a one-line CliError, not a stack trace. */
export function parseOptions<O extends StringOptions>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

export function requiredOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new CliError(`--${name} is required`);
  return value;
}
