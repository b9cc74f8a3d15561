import { join } from 'node:path';
import { describeTwoProcesses } from '../helpers/two-processes.js';
import { tempDir } from '../helpers/config.js';

describeTwoProcesses('SQLite', async () => ({ DATABASE_PATH: join(tempDir(), 'shared.db') }));
