import type { Response } from 'supertest';

/** What a client can observe of a response, minus the Date header: two of these must be equal when nothing may leak. */
export function observable(res: Response): { status: number; headers: Record<string, unknown>; body: string } {
  const { date: _date, ...headers } = res.headers as Record<string, unknown>;
  return { status: res.status, headers, body: res.text };
}
