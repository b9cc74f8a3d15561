import type { Command } from './command.js';

export const migrateCommand: Command = {
  summary: 'apply pending database migrations',
  help: `Usage: undersigned migrate

Applies pending migrations to the database: DATABASE_URL's PostgreSQL database when it is set,\nelse the SQLite file at DATABASE_PATH (creating the file if needed).
The server also does this at start-up; run it by hand before a deploy to see the result first.`,
  async run(_args, env) {
    const database = await env.openDatabase();
    await database.close();
    env.stdout.write('migrations applied\n');
  },
};
