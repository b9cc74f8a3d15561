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
  url: string;
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
}

/** One autocannon run on loopback; the numbers are for ratios measured in the same run, not absolutes. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const statusCounts: Record<string, number> = {};
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    connections: options.connections ?? 20,
    duration: options.durationSeconds ?? Number(process.env.BENCH_SECONDS ?? 10),
    headers: options.headers,
    requests: options.body || options.path
      ? [
          {
            setupRequest: (request) => {
              if (options.body) request.body = options.body();
              if (options.path) request.path = options.path();
              return request;
            },
            onResponse: (status) => {
              statusCounts[status] = (statusCounts[status] ?? 0) + 1;
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
