import type { Command } from './command.js';

export const migrateCommand: Command = {
  summary: 'apply pending database migrations',
  help: `Usage: undersigned migrate

Applies the migrations in migrations/ to DATABASE_PATH (creating the file if needed).
The server also does this at start-up; run it by hand before a deploy to see the result first.`,
  run(_args, env) {
    const database = env.openDatabase();
    database.close();
    env.stdout.write('migrations applied\n');
  },
};
