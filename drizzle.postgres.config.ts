import { defineConfig } from 'drizzle-kit';

// PostgreSQL migrations, generated from the PostgreSQL form of the same tables (server/db/postgres-schema.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/postgres-schema.ts',
  out: './migrations/postgres',
});
