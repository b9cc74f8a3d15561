import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { exportSignatures } from '../../server/exports/export-signatures.js';
import { appPerTest } from '../helpers/app.js';
import { insertManySignatures } from '../helpers/bulk-signatures.js';
import { buildLetter } from '../helpers/factories.js';

const t = appPerTest();

const ROWS = 100_000;
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

it('when 100,000 signatures are exported to a slow reader, then the heap stays flat while far more than the bound is written', { timeout: 120_000 }, async () => {
  const letter = await buildLetter(t.ctx);
  const comment = 'A long comment that makes every row weigh several hundred bytes. '.repeat(9);
  await insertManySignatures(t, letter, ROWS, comment);

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
      onProgress: () => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    },
    slowReader,
  );

  expect(rows).toBe(ROWS);
  expect(bytes).toBeGreaterThan(60 * MB);
  expect((peak - baseline) / MB).toBeLessThan(60);
});
