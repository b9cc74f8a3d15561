import { and, eq, inArray } from 'drizzle-orm';
import type { Context } from '../context.js';
import type { Tx } from '../db/database.js';
import { insertReturning } from '../db/prepared.js';
import type { CsvRecord } from '../lib/csv/index.js';
import { AppError } from '../web/errors.js';
import { translatorFor } from '../web/i18n.js';
import { recordAudit, type Actor } from '../audit/index.js';
import { isDisposableEmailDomain } from '../abuse/index.js';
import { findLetter, isAcceptingSignatures, type LetterRow } from '../letters/index.js';
import { enqueueMail } from '../mail/index.js';
import { matchOrganisation } from '../organisations/index.js';
import { SIGN_FIELD_MAX, signForm, type SignForm } from './forms.js';
import { inChunks } from './block-matching.js';
import { letterClosed, mailDomain } from './sign-letter.js';
import { signatures } from './table.js';
import { issueToken } from './tokens.js';

/** The columns of an import file, in the sign form's words except `role` (the form's `title`). */
export const IMPORT_COLUMNS = ['name', 'email', 'organisation', 'role'] as const;

/** Where imported signatures came from, in `signatures.source` (organisers see it in the export; never public). */
export const IMPORT_SOURCE = 'import';

export interface RowProblem {
  line: number;
  reason: string;
}

/** At least one row is bad: nothing was imported. Every bad row is named, by line. */
export class ImportRefused extends AppError {
  constructor(readonly problems: RowProblem[]) {
    super('import_rows_invalid', 422, `${problems.length} row${problems.length === 1 ? '' : 's'} cannot be imported, so nothing was:\n${problems.map((p) => `line ${p.line}: ${p.reason}`).join('\n')}`);
  }
}

export interface ImportOutcome {
  letter: LetterRow;
  /** Rows stored unconfirmed, each mailed an invitation. */
  invited: number;
  /** Rows whose address had already signed the letter (in any state): left alone, mailed nothing. */
  skipped: number;
}

interface ImportRow {
  line: number;
  form: SignForm;
}

/**
 * Organisers bring in signatories gathered elsewhere (a paper list, another platform). Every row
 * is checked first with the sign form's own rules; if any is bad, nothing is stored. Otherwise, in
 * one transaction, each new address gets an unconfirmed signature and an invitation mail with the
 * usual confirm link: nothing is listed or counted until its owner confirms. An address that has
 * already signed the letter is skipped, so running the import again mails no one twice.
 */
export async function importSignatures(ctx: Pick<Context, 'db' | 'now' | 'config' | 'notifyOutbox'>, slug: string, records: readonly CsvRecord[], invitedBy: string, actor: Actor): Promise<ImportOutcome> {
  const rows = validRows(records);
  const outcome = await ctx.db.write(async (tx) => {
    const now = ctx.now();
    const letter = await findLetter(tx, slug);
    if (!isAcceptingSignatures(letter, now) || letter.currentVersionId === null) throw letterClosed();
    const signed = await emailKeysSigned(tx, letter.id, rows.map((row) => row.form.email.key));
    const fresh = rows.filter((row) => !signed.has(row.form.email.key));
    for (const row of fresh) await invite(ctx, tx, letter, letter.currentVersionId, row.form, invitedBy, now);
    const result = { letter, invited: fresh.length, skipped: rows.length - fresh.length };
    await recordAudit(tx, { actor, action: 'signatures.import', subject: `letter:${letter.slug}`, details: { rows: rows.length, invited: result.invited, skipped: result.skipped, invitedBy } }, now);
    return result;
  });
  ctx.notifyOutbox();
  return outcome;
}

/** The sign form names its messages by catalogue key; the command line says them in English. */
const inEnglish = (key: string, field: unknown): string => translatorFor('en').t(key, { max: SIGN_FIELD_MAX[field as keyof typeof SIGN_FIELD_MAX] });

/** Every row through the sign form's rules, and no address twice: the rows, or every problem found. */
function validRows(records: readonly CsvRecord[]): ImportRow[] {
  const problems: RowProblem[] = [];
  const rows: ImportRow[] = [];
  const lineOfKey = new Map<string, number>();
  for (const { line, values } of records) {
    const parsed = signForm.safeParse({ name: values.name, email: values.email, organisation: values.organisation, title: values.role });
    if (!parsed.success) {
      problems.push({ line, reason: parsed.error.issues.map((issue) => `${columnOf(issue.path[0])}: ${inEnglish(issue.message, issue.path[0])}`).join('; ') });
      continue;
    }
    const earlier = lineOfKey.get(parsed.data.email.key);
    if (earlier !== undefined) {
      problems.push({ line, reason: `email: the same address as line ${earlier}` });
      continue;
    }
    lineOfKey.set(parsed.data.email.key, line);
    rows.push({ line, form: parsed.data });
  }
  if (problems.length > 0) throw new ImportRefused(problems);
  return rows;
}

const columnOf = (field: unknown): string => (field === 'title' ? 'role' : String(field));

async function emailKeysSigned(tx: Tx, letterId: number, keys: string[]): Promise<Set<string>> {
  const signed = new Set<string>();
  await inChunks(keys, async (chunk) => {
    const rows = await tx.select({ key: signatures.emailKey }).from(signatures).where(and(eq(signatures.letterId, letterId), inArray(signatures.emailKey, chunk)));
    for (const row of rows) signed.add(row.key);
  });
  return signed;
}

async function invite(ctx: Pick<Context, 'config'>, tx: Tx, letter: LetterRow, versionId: number, form: SignForm, invitedBy: string, now: Date): Promise<void> {
  const signature = await insertReturning(tx, signatures, {
    ...(await matchOrganisation(tx, form.organisation)),
    letterId: letter.id,
    versionId,
    name: form.name,
    email: form.email.email,
    emailKey: form.email.key,
    emailDomain: form.email.domain,
    title: form.title,
    organisationText: form.organisation,
    disposableEmail: isDisposableEmailDomain(form.email.domain),
    source: IMPORT_SOURCE,
    signedAt: now,
    mailsSent: 1,
    // The invitation is their one mail: no "you have not confirmed yet" reminder follows it.
    reminderSentAt: now,
  });
  const token = await issueToken(tx, signature.id, 'confirm', ctx.config.confirmTokenDays, now);
  const content = {
    // Invitations go out in the letter's original language: an imported signatory has chosen none.
    lang: letter.lang,
    letterTitle: letter.title,
    name: form.name,
    details: [form.name, form.title, form.organisation].filter(Boolean).join(', '),
    invitedBy,
    confirmUrl: `${ctx.config.baseUrl}/signatures/confirm/${token}`,
    letterUrl: `${ctx.config.baseUrl}/letters/${letter.slug}`,
    expiresDays: ctx.config.confirmTokenDays,
  };
  await enqueueMail(tx, { kind: 'invite-signature', to: signature.email, content, signatureId: signature.id }, now, mailDomain(ctx));
}
