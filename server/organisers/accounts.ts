import { eq } from 'drizzle-orm';
import type { Context } from '../context.js';
import { one, type Reader } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { lowerCasedAddress, parseEmailAddress } from '../lib/email-address.js';
import { AppError } from '../web/errors.js';
import { hashPassword, passwordProblem, scryptCostFor } from './passwords.js';
import { countWithRole, findOrganiserByEmail, listOrganiserRows } from './repo.js';
import { endOrganiserSessions } from './sessions.js';
import { ORGANISER_ROLES, organisers, type OrganiserRole, type OrganiserRow } from './table.js';
import { recordAudit, type Actor } from '../audit/index.js';

/** What account changes need: the CLI has no views or logger, only the database, config and a clock. */
export type AccountsContext = Pick<Context, 'db' | 'config' | 'now'>;

/** An organiser as shown to other organisers and the CLI: never the password hash. */
export interface OrganiserSummary {
  id: number;
  email: string;
  name: string;
  role: OrganiserRole;
  createdAt: Date;
}

export interface NewOrganiser {
  email: string;
  name: string;
  role: string;
  password: string;
}

const summarise = ({ id, email, name, role, createdAt }: OrganiserRow): OrganiserSummary => ({ id, email, name, role, createdAt });

/**
 * Organisers sign in with the address lower-cased (and its domain punycoded), whatever they typed.
 * Not a signer's mailbox key: two aliases of one mailbox may be two organiser accounts.
 */
export function organiserEmailKey(raw: string): string | undefined {
  const address = parseEmailAddress(raw);
  return address && lowerCasedAddress(address);
}

export function parseRole(raw: string): OrganiserRole {
  const role = ORGANISER_ROLES.find((candidate) => candidate === raw);
  if (!role) throw new AppError('invalid_role', 422, `Role must be one of: ${ORGANISER_ROLES.join(', ')}`, { field: 'role' });
  return role;
}

function requireEmail(raw: string): string {
  const email = organiserEmailKey(raw);
  if (!email) throw new AppError('invalid_email', 422, 'Enter an email address in the correct format, like name@example.org', { field: 'email' });
  return email;
}

function requireName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length < 1 || name.length > 120 || /\p{Cc}/u.test(name)) {
    throw new AppError('invalid_name', 422, 'Enter a name of 1 to 120 characters', { field: 'name' });
  }
  return name;
}

function requirePasswordQuality(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('weak_password', 422, problem, { field: 'password' });
}

async function findExisting(db: Reader, rawEmail: string): Promise<OrganiserRow> {
  const organiser = await findOrganiserByEmail(db, organiserEmailKey(rawEmail) ?? rawEmail.trim().toLowerCase());
  if (!organiser) throw new AppError('organiser_not_found', 404, `No organiser has the email ${rawEmail.trim()}`);
  return organiser;
}

const emailTaken = (email: string): AppError =>
  new AppError('organiser_email_taken', 409, `An organiser with the email ${email} already exists`, { field: 'email' });

/** Refuses a change that would leave nobody able to manage organisers from the web. */
async function keepAnOwner(db: Reader, organiser: OrganiserRow, nextRole: OrganiserRole | 'removed'): Promise<void> {
  if (organiser.role === 'owner' && nextRole !== 'owner' && (await countWithRole(db, 'owner')) <= 1) {
    throw new AppError('last_owner', 409, 'This is the only owner: make someone else an owner first');
  }
}

export async function addOrganiser(ctx: AccountsContext, input: NewOrganiser, actor: Actor): Promise<OrganiserSummary> {
  const email = requireEmail(input.email);
  const name = requireName(input.name);
  const role = parseRole(input.role);
  requirePasswordQuality(input.password);
  if (await findOrganiserByEmail(ctx.db, email)) throw emailTaken(email);
  // Hashed before the write: a write awaits only the database.
  const passwordHash = await hashPassword(input.password, scryptCostFor(ctx.config.env));
  const now = ctx.now();
  try {
    return await ctx.db.write(async (tx) => {
      const row = await one(tx.insert(organisers).values({ email, name, role, passwordHash, createdAt: now }).returning());
      await recordAudit(tx, { actor, action: 'organiser.add', subject: `organiser:${email}`, details: { role } }, now);
      return summarise(row);
    });
  } catch (error) {
    // Another add of the same address won the race between the check and the insert.
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
}

export const listOrganisers = async (ctx: Pick<Context, 'db'>): Promise<OrganiserSummary[]> => (await listOrganiserRows(ctx.db)).map(summarise);

export async function setOrganiserRole(ctx: AccountsContext, email: string, rawRole: string, actor: Actor): Promise<OrganiserSummary> {
  const role = parseRole(rawRole);
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const organiser = await findExisting(tx, email);
    if (organiser.role === role) return summarise(organiser);
    await keepAnOwner(tx, organiser, role);
    const row = await one(tx.update(organisers).set({ role }).where(eq(organisers.id, organiser.id)).returning());
    await recordAudit(tx, { actor, action: 'organiser.role', subject: `organiser:${organiser.email}`, details: { from: organiser.role, to: role } }, now);
    return summarise(row);
  });
}

/** Removes an organiser; their sessions go with them (foreign key cascade), the audit trail stays. */
export async function removeOrganiser(ctx: AccountsContext, email: string, actor: Actor): Promise<OrganiserSummary> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const organiser = await findExisting(tx, email);
    await keepAnOwner(tx, organiser, 'removed');
    await tx.delete(organisers).where(eq(organisers.id, organiser.id));
    await recordAudit(tx, { actor, action: 'organiser.remove', subject: `organiser:${organiser.email}`, details: { role: organiser.role } }, now);
    return summarise(organiser);
  });
}

/** Sets a new password and signs the organiser out everywhere. */
export async function setOrganiserPassword(ctx: AccountsContext, email: string, password: string, actor: Actor): Promise<OrganiserSummary> {
  const organiser = await findExisting(ctx.db, email);
  requirePasswordQuality(password);
  const passwordHash = await hashPassword(password, scryptCostFor(ctx.config.env));
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    await tx.update(organisers).set({ passwordHash }).where(eq(organisers.id, organiser.id));
    await endOrganiserSessions(tx, organiser.id);
    await recordAudit(tx, { actor, action: 'organiser.password', subject: `organiser:${organiser.email}` }, now);
    return summarise(organiser);
  });
}
