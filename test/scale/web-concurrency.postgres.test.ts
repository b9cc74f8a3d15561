import { createTestPostgresDatabase } from '../helpers/postgres.js';
import { describeWebConcurrency } from '../helpers/web-processes.js';

describeWebConcurrency('PostgreSQL', async () => ({ DATABASE_URL: await createTestPostgresDatabase() }));
