import { describeTwoProcesses } from '../helpers/two-processes.js';
import { createTestPostgresDatabase } from '../helpers/postgres.js';

describeTwoProcesses('PostgreSQL', async () => ({ DATABASE_URL: await createTestPostgresDatabase() }));
