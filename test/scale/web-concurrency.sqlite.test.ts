import { join } from 'node:path';
import { tempDir } from '../helpers/config.js';
import { describeWebConcurrency } from '../helpers/web-processes.js';

describeWebConcurrency('SQLite', async () => ({ DATABASE_PATH: join(tempDir(), 'shared.db') }));
