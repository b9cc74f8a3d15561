import { SYSTEM_ACTOR } from '../audit/record.js';
import { CliError, type Command } from '../cli/command.js';
import { repairCounts, type LetterDrift } from './counts.js';

const describeDrift = (letter: LetterDrift): string => {
  const parts = letter.drift.map((d) => `${d.field} ${d.stored} -> ${d.actual}`);
  if (letter.organisationsWrong > 0) parts.push(`organisation breakdown: ${letter.organisationsWrong} wrong`);
  return `letter ${letter.slug}: ${parts.join(', ')}`;
};

export const countsCommand: Command = {
  summary: 'recount signatures per letter and repair drifted counts',
  help: `Usage: undersigned counts repair [--dry-run]

Recounts every letter's signatures by state, the number listed publicly and the organisation
breakdown from the signature rows, reports every letter whose stored counts differ, and fixes them,
one short transaction per letter so the running server is never kept waiting long (each fix is
recorded in the audit log). With --dry-run it only reports.
The database keeps these counts itself; drift means the file was edited by hand or restored in part.`,
  run(args, env) {
    const [action, ...flags] = args;
    const unknown = flags.filter((flag) => flag !== '--dry-run');
    if (action !== 'repair' || unknown.length > 0) throw new CliError(`expected "counts repair [--dry-run]", got "counts ${args.join(' ')}"`);
    const dryRun = flags.includes('--dry-run');
    const database = env.openDatabase();
    try {
      const report = repairCounts({ db: database.db, now: () => new Date() }, { actor: SYSTEM_ACTOR, dryRun });
      for (const letter of report.drifted) env.stdout.write(`${describeDrift(letter)}\n`);
      const outcome = report.drifted.length === 0 ? 'all counts match' : dryRun ? 'nothing changed (dry run)' : 'repaired';
      env.stdout.write(`${report.drifted.length} of ${report.letters} letters drifted; ${outcome}\n`);
    } finally {
      database.close();
    }
  },
};
