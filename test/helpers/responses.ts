import type { Response } from 'supertest';

/** What a client can observe of a response, minus the Date header: two of these must be equal when nothing may leak. */
export function observable(res: Response): { status: number; headers: Record<string, unknown>; body: string } {
  const { date: _date, ...headers } = res.headers as Record<string, unknown>;
  return { status: res.status, headers, body: res.text };
}

/**
 * As `observable`, with the value of each Set-Cookie blanked: names and attributes must still
 * match, while a fresh random value in each answer tells nothing.
 */
export function observableIgnoringCookieValues(res: Response): ReturnType<typeof observable> {
  const seen = observable(res);
  const cookies = seen.headers['set-cookie'];
  if (Array.isArray(cookies)) seen.headers['set-cookie'] = cookies.map((cookie: string) => cookie.replace(/^([^=]*)=[^;]*/, '$1=…'));
  return seen;
}
