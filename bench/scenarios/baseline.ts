import { load, type LoadResult } from '../lib/load.js';
import { startBaseline } from '../lib/processes.js';

export interface Baseline {
  get: LoadResult;
  post: LoadResult;
}

let counter = 0;
/** A sign form body like a browser sends, with a distinct email each time. */
export const signBody = (): string => {
  counter += 1;
  const id = `${process.pid}-${Date.now().toString(36)}-${counter}`;
  return new URLSearchParams({ name: `Bench Signer ${counter}`, email: `bench.${id}@bench.example`, organisation: 'Bench Labs', title: 'Engineer', comment: 'Load test.', public: 'yes', updates: 'no' }).toString();
};

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export async function measureBaseline(): Promise<Baseline> {
  const baseline = await startBaseline();
  try {
    const get = await load({ url: `${baseline.url}/page` });
    const post = await load({ url: `${baseline.url}/sign`, method: 'POST', headers: FORM, body: signBody, expect: [303] });
    return { get, post };
  } finally {
    await baseline.stop();
  }
}
