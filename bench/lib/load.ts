import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  statusCounts: Record<string, number>;
}

export interface LoadOptions {
  /**
   * Several URLs (one per app process) share the connections round-robin: autocannon opens
   * connection i to url i mod n, so 20 connections on two processes are 10 on each.
   */
  url: string | string[];
  method?: 'GET' | 'POST';
  durationSeconds?: number;
  connections?: number;
  headers?: Record<string, string>;
  /** A fresh body per request (distinct emails, distinct tokens). */
  body?: () => string;
  /** A fresh path per request. */
  path?: () => string;
  /** Statuses that count as success besides 2xx (a sign POST answers 303). */
  expect?: number[];
  /** Called with each answer's status and the body of the request it answers. */
  onAnswer?: (status: number, requestBody: string) => void;
}

interface Sent {
  body?: string;
}

/** One autocannon run on loopback; the numbers are for ratios measured in the same run, not absolutes. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const statusCounts: Record<string, number> = {};
  const result = await autocannon({
    // The types name one URL; autocannon itself takes a list (see its README).
    url: options.url as string,
    method: options.method ?? 'GET',
    connections: options.connections ?? 20,
    duration: options.durationSeconds ?? Number(process.env.BENCH_SECONDS ?? 10),
    headers: options.headers,
    requests: options.body || options.path
      ? [
          {
            // A connection has one request in flight at a time, so its context holds the body being answered.
            setupRequest: (request, context: Sent) => {
              if (options.body) request.body = context.body = options.body();
              if (options.path) request.path = options.path();
              return request;
            },
            onResponse: (status, _body, context: Sent) => {
              statusCounts[status] = (statusCounts[status] ?? 0) + 1;
              options.onAnswer?.(status, context.body ?? '');
            },
          },
        ]
      : undefined,
  });
  const expected = new Set(options.expect ?? []);
  const unexpected = Object.entries(statusCounts).filter(([status]) => !status.startsWith('2') && !expected.has(Number(status))).reduce((sum, [, n]) => sum + n, 0);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: options.body || options.path ? unexpected : result.non2xx,
    errors: result.errors + result.timeouts,
    statusCounts,
  };
}
