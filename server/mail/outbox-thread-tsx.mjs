// Starts the outbox thread from the TypeScript source (tests, `npm run dev`): the built server
// starts dist/server/mail/outbox-thread.js directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
