import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { appPerFile, type TestApp, type TestAppOptions, type LiveTestApp } from './app.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawClient {
  /** Sends exactly this path and body: no URL normalisation or re-encoding on the way. */
  send(method: string, path: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse>;
  close(): Promise<void>;
}

/** The test app listening on 127.0.0.1 port 0, for requests a URL-parsing client would clean up. */
export async function rawClient(app: TestApp['app']): Promise<RawClient> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    send: (method, path, options = {}) =>
      new Promise((resolve, reject) => {
        const body = options.body;
        const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...options.headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * For a test file that sends raw requests: one app for the file and a raw client on it, both
 * started before its first test and closed after its last.
 *
 *     const { t, client } = rawSitePerFile({ env: { ... } });
 */
export function rawSitePerFile(options: TestAppOptions = {}): { t: LiveTestApp; client: RawClient } {
  const t = appPerFile(options);
  let opened: RawClient | undefined;
  beforeAll(async () => {
    opened = await rawClient(t.app);
  });
  afterAll(async () => {
    const closing = opened;
    opened = undefined;
    await closing?.close();
  });
  const current = (): RawClient => {
    if (!opened) throw new Error('the raw client of rawSitePerFile() is open only while the tests of its file run');
    return opened;
  };
  return { t, client: { send: (method, path, options) => current().send(method, path, options), close: () => current().close() } };
}
