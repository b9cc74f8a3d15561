import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { exportSignatures } from '../../server/exports/export-signatures.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildLetter } from '../helpers/factories.js';

let t: TestApp;
beforeEach(() => {
  t = buildTestApp();
});
afterEach(() => t.close());

const ROWS = 100_000;
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

it('when 100,000 signatures are exported to a slow reader, then the heap stays flat while far more than the bound is written', { timeout: 120_000 }, async () => {
  const letter = buildLetter(t.ctx);
  const comment = 'A long comment that makes every row weigh several hundred bytes. '.repeat(9);
  const insert = t.database.sqlite.prepare(
    "INSERT INTO signatures (letter_id, version_id, name, email, email_key, email_domain, title, organisation_text, comment, state, signed_at, confirmed_at) VALUES (?, ?, ?, ?, ?, 'example.org', 'Researcher', 'Example Organisation', ?, 'approved', ?, ?)",
  );
  t.database.sqlite.transaction(() => {
    for (let i = 0; i < ROWS; i += 1) insert.run(letter.id, letter.currentVersionId, `Signer number ${i}`, `signer${i}@example.org`, `signer${i}@example.org`, comment, i, i + 1);
  })();

  let bytes = 0;
  const slowReader = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      setImmediate(callback);
    },
  });
  collectGarbage();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const { rows } = await exportSignatures(
    t.ctx,
    {
      letterId: letter.id,
      filters: {},
      includeEmails: true,
      actor: SYSTEM_ACTOR,
      onProgress: (count) => {
        if (count % 2_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    },
    slowReader,
  );

  expect(rows).toBe(ROWS);
  expect(bytes).toBeGreaterThan(60 * MB);
  expect((peak - baseline) / MB).toBeLessThan(60);
});
