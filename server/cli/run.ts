import { CliError, type Command, type CommandEnv } from './command.js';
import { seedCommand } from '../dev/seed-command.js';
import { backupCommand } from './backup-command.js';
import { migrateCommand } from './migrate-command.js';
import { ConfigError, loadConfig } from '../config.js';
import { exportCommand } from '../exports/export-command.js';
import { privacyCommand } from '../privacy/privacy-command.js';
import { letterCommand } from '../letters/letter-command.js';
import { organiserCommand } from '../organisers/organiser-command.js';
import { openMigratedDatabase } from '../db/client.js';
import { AppError } from '../web/errors.js';
import { countsCommand } from '../signatures/counts-command.js';
import { dbCommand } from '../db/copy-command.js';
import { verifyCommand } from '../dossier/verify-command.js';
import { signaturesCommand } from '../signatures/signatures-command.js';

/** Every `undersigned <command>`; each is a `*-command.ts` file next to the capability it serves. */
const COMMANDS: Record<string, Command> = {
  migrate: migrateCommand,
  seed: seedCommand,
  export: exportCommand,
  privacy: privacyCommand,
  organiser: organiserCommand,
  letter: letterCommand,
  backup: backupCommand,
  counts: countsCommand,
  db: dbCommand,
  verify: verifyCommand,
  signatures: signaturesCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: undersigned <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "undersigned help <command>" for a command's options.\n`;
}

export async function runCli(argv: string[], io: Pick<CommandEnv, 'stdout' | 'stderr' | 'stdin'>, source = process.env): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const command = args[0] ? COMMANDS[args[0]] : undefined;
    io.stdout.write(command ? `${command.help}\n` : usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`undersigned: unknown command "${name}". Run "undersigned help" for the list.\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    const config = loadConfig(source);
    await command.run(args, { ...io, config, openDatabase: () => openMigratedDatabase(config, { applicationName: `undersigned ${name}` }) });
    return 0;
  } catch (error) {
    // AppError: a use case's refusal (duplicate email, weak password…), already worded for people.
    const known = error instanceof CliError || error instanceof ConfigError || error instanceof AppError;
    const message = error instanceof Error ? error.message.split('\n').join(' ') : String(error);
    io.stderr.write(`undersigned ${name}: ${known ? message : `unexpected error: ${message}`}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

