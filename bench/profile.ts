/**
 * `npm run bench:profile -- TARGET`: runs the built server under `node --cpu-prof` while
 * autocannon loads one route, then prints where the server's time went (self and inclusive, by
 * function). TARGET is sign, letter, list, insights (signed in as a viewer) or healthz. The .cpuprofile stays in
 * bench/.profiles/ for Chrome DevTools.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_LETTER, freshDatabasePath, seededDatabase } from './lib/datasets.js';
import { load, type LoadOptions } from './lib/load.js';
import { APP_ENTRY, benchEnv, ROOT, startProcess } from './lib/processes.js';
import { FORM, signBody } from './scenarios/baseline.js';
import { organiserSession, SCALE } from './scenarios/pages-at-scale.js';

/** `load` gets the running server's address and the database it runs on (to sign an organiser in, say). */
const TARGETS: Record<string, { database: () => string; load: (url: string, database: string) => LoadOptions | Promise<LoadOptions> }> = {
  sign: { database: freshDatabasePath, load: (url) => ({ url: `${url}/letters/${BENCH_LETTER}/signatures`, method: 'POST', headers: FORM, body: signBody, expect: [303] }) },
  letter: { database: () => seededDatabase(SCALE), load: (url) => ({ url: `${url}/letters/${BENCH_LETTER}` }) },
  list: { database: () => seededDatabase(SCALE), load: (url) => ({ url: `${url}/letters/${BENCH_LETTER}/signatories` }) },
  insights: { database: () => seededDatabase(SCALE), load: async (url, database) => ({ url: `${url}/admin/letters/${BENCH_LETTER}/insights`, headers: { cookie: await organiserSession(database, url) } }) },
  healthz: { database: freshDatabasePath, load: (url) => ({ url: `${url}/healthz` }) },
};

const name = process.argv[2] ?? '';
const target = TARGETS[name];
if (!target) {
  console.error(`usage: npm run bench:profile -- ${Object.keys(TARGETS).join('|')}`);
  process.exit(2);
}

const directory = join(ROOT, 'bench', '.profiles', name);
rmSync(directory, { recursive: true, force: true });
mkdirSync(directory, { recursive: true });
const database = target.database();
const app = await startProcess(['--cpu-prof', `--cpu-prof-dir=${directory}`, APP_ENTRY], benchEnv(database));
const result = await load(await target.load(app.url, database));
await app.stop();
console.log(`${name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);

const file = readdirSync(directory).find((entry) => entry.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${directory}`);
printHotspots(JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile, Number(process.env.PROFILE_TOP ?? 25));
console.log(`\nprofile: ${join(directory, file)}`);

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

function printHotspots(profile: CpuProfile, top: number): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const label = (id: number): string => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    return `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const time = profile.timeDeltas[index] ?? 0;
    total += time;
    self.set(label(id), (self.get(label(id)) ?? 0) + time);
    // A recursive function counts once per sample in its inclusive time.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const key = label(at);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
  });
  const print = (title: string, times: Map<string, number>, keep: (key: string) => boolean) => {
    console.log(`\n${title}`);
    for (const [key, time] of [...times].filter(([key]) => keep(key)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${((100 * time) / total).toFixed(1).padStart(6)}%  ${key}`);
    }
  };
  print('self time', self, () => true);
  print('inclusive time, this project', inclusive, (key) => /\b(server|web|letters|signatures|mail|abuse|db|organisations|organisers|insights|partners)\/[\w-]+\.js/.test(key));
}
