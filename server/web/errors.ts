/**
 * The one error type a use case throws for an outcome the user must be told about. `id` is stable
 * (tests, logs and API clients rely on it); `message` is safe to show. A public page says it in the
 * reader's language: the catalogue's `errors.<id>` (or the keys in `details.messageKeys`, filled in
 * from `details`), English `message` where the catalogues have none (organiser-only errors).
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly id: string,
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'page'): AppError =>
  new AppError('not_found', 404, `We could not find that ${what}. Check the address, or start from the home page.`, { messageKeys: [`errors.not_found_${what.replace(/\W+/g, '_')}`] });

export const forbidden = (message = 'You are not allowed to do that.'): AppError => new AppError('forbidden', 403, message);

/**
 * Another process (a command-line job, a second server) held the database's write lock for longer
 * than DATABASE_BUSY_TIMEOUT_MS. The action's transaction never began, so nothing of it is stored,
 * and sending the same form again in a moment works.
 */
export const databaseBusy = (): AppError =>
  new AppError('database-busy', 503, 'We are very busy right now and could not save this. Nothing was saved: please send it again in a few seconds.', { retryAfterSeconds: 5 });

export const unstorableText = (): AppError => new AppError('unstorable_text', 400, 'Some of the text sent contains characters that cannot be stored. Nothing was saved.');

/** Errors thrown by Express's body parsers and by http-errors carry a 4xx status we can trust. */
export function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

const CLIENT_MESSAGES: Record<number, string> = {
  400: 'The request could not be read. Please go back and try again.',
  403: 'This request was refused.',
  404: 'We could not find that page.',
  405: 'That method is not allowed here.',
  413: 'What you sent is too large. Please shorten it and try again.',
  415: 'That kind of content is not accepted here.',
};

export function clientErrorMessage(status: number): string {
  return CLIENT_MESSAGES[status] ?? 'The request could not be handled.';
}
