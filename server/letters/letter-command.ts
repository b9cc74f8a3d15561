import { readFile } from 'node:fs/promises';
import { parseCommandArgs } from '../cli/args.js';
import { CLI_ACTOR, CliError, withDatabase, type Command } from '../cli/command.js';
import { exportLetter, importLetter, importTranslation } from './letter-file.js';

export const letterCommand: Command = {
  summary: 'import a letter from Markdown, or export one as Markdown',
  help: `Usage: undersigned letter import FILE.md [--update]
       undersigned letter import FILE.md --lang fr
       undersigned letter export SLUG > FILE.md

A letter file is Markdown with front matter between "---" lines:

  ---
  slug: keep-defensive-ai-open
  title: "Let defenders keep their tools"
  summary: "One or two sentences for lists and link previews."
  status: draft            (draft, open or closed; default draft)
  moderation: pre          (pre or post; default pre)
  opens_at: 2026-11-01T09:00:00.000Z    (optional, UTC)
  closes_at: 2026-12-01T09:00:00.000Z   (optional, UTC)
  lang: en                 (the language it is written in; default en)
  ---

  To the Minister…

import creates the letter; with --update an existing letter of that slug takes the file's text
(published as a new version if the letter is public) and settings. export prints a letter, drafts
included, in the same format. With --lang, the file is a translation of the letter its slug names
(title, summary and text; other settings are the letter's): a new language is added, an existing
one gets a new version when its text changed. All are recorded in the audit log as done from the
command line.`,
  async run(args, env) {
    const { values, positionals } = parseCommandArgs(args, { update: { type: 'boolean' }, lang: { type: 'string' } });
    const [subcommand, target, ...extra] = positionals;
    if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"`);
    if (subcommand === 'import') {
      if (!target) throw new CliError('the Markdown file to import is required: undersigned letter import FILE.md');
      const text = await readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${target}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      if (typeof values.lang === 'string') {
        const lang = values.lang;
        const translated = await withDatabase(env, (database) => importTranslation({ db: database, now: () => new Date() }, text, lang, CLI_ACTOR));
        env.stdout.write(`${translated.publishedNewVersion ? `published version ${translated.version.number} of` : 'unchanged:'} the ${lang} translation of letter ${translated.letter.slug}\n`);
        return;
      }
      const result = await withDatabase(env, (database) => importLetter({ db: database, now: () => new Date() }, text, CLI_ACTOR, { update: values.update === true }));
      env.stdout.write(`${result.created ? 'imported' : 'updated'} letter ${result.letter.slug} (${result.letter.status})\n`);
      return;
    }
    if (subcommand === 'export') {
      if (!target) throw new CliError('the slug of the letter is required: undersigned letter export SLUG');
      env.stdout.write(await withDatabase(env, (database) => exportLetter(database, target)));
      return;
    }
    throw new CliError(subcommand ? `unknown subcommand "${subcommand}"; run "undersigned help letter"` : 'a subcommand is required: import or export');
  },
};
