import { and, desc, eq, inArray, isNull, lte, or, sql, type SQLWrapper } from 'drizzle-orm';
import type { Context } from '../context.js';
import { first, one, type Reader, type Tx } from '../db/database.js';
import { preparedQuery } from '../db/prepared.js';
import { AppError, notFound } from '../web/errors.js';
import { asciiDomain } from '../lib/email-domain.js';
import { IP_RANGE_MIN_PREFIX, ipRangeTooWide, parseIpRange, rangeContainsAddress, rangeContainsNetwork } from './ip-ranges.js';
import { blockRules, blockRuleSignatures, type BlockKind } from './table.js';
import { eraseBlockedIpHashes, recordAudit, type Actor, type BlockedHashSelection } from '../audit/index.js';
import { findBlockableSignatures, inChunks, shadowRejectSignatures, signaturesWithIpHash, type BlockableFilter } from '../signatures/index.js';
import { findLetterById } from '../letters/index.js';

/**
 * Shadow bans. An organiser names an IP hash, an address range or an email domain, sees how many
 * signatures it catches, then rejects them all in one audited step; the rule stays, and later
 * signers it catches see the normal flow while their signature is stored blocked (rejected when
 * confirmed), so a ban is not a signal to route around.
 */
export interface BlockTarget {
  /** Undefined or null: every letter. */
  letterId?: number | null;
  kind: BlockKind;
  value: string;
}

export interface BlockPreview {
  /** Signatures still in play that the rule catches. */
  matching: number;
  /** Of those, confirmed ones: they leave the public count. */
  counted: number;
}

export interface BlockResult {
  ruleId: number;
  /** Confirmed signatures now rejected. */
  rejected: number;
  /** Unconfirmed signatures that will be rejected if confirmed. */
  blocked: number;
}

type BlockRuleRow = typeof blockRules.$inferSelect;

const invalidValue = (message: string): AppError => new AppError('block_value_invalid', 422, message, { field: 'value' });

export const BLOCK_VALUE_MAX_LENGTH = 300;

/** The stored form of a rule's value, or why the text is not one: one rule for the forms and the service. */
export function checkBlockValue(kind: BlockKind, raw: string): { value: string } | { problem: string } {
  const value = raw.trim().toLowerCase();
  if (value === '') return { problem: BLOCK_VALUE_PROMPTS[kind] };
  if (value.length > BLOCK_VALUE_MAX_LENGTH) return { problem: `That is too long for ${BLOCK_VALUE_NAMES[kind]}.` };
  switch (kind) {
    case 'ip_hash':
      return /^[0-9a-f]{64}$/.test(value) ? { value } : { problem: 'An IP hash is 64 hexadecimal characters (0–9, a–f), as shown next to a signature.' };
    case 'cidr': {
      const range = parseIpRange(value);
      if (range) return { value: range.value };
      const tooWide = ipRangeTooWide(value);
      return {
        problem: tooWide
          ? `That range is wider than a rule may be: at most /${IP_RANGE_MIN_PREFIX[tooWide]} for ${tooWide === 'ipv4' ? 'IPv4' : 'IPv6'}.`
          : `Enter an address or a range like 203.0.113.0/24 or 2001:db8::/32 (at most /${IP_RANGE_MIN_PREFIX.ipv4} for IPv4, /${IP_RANGE_MIN_PREFIX.ipv6} for IPv6).`,
      };
    }
    case 'email_domain': {
      const domain = asciiDomain(value.replace(/^@/, ''));
      return domain ? { value: domain } : { problem: 'Enter an email domain like example.org (without the part before the @).' };
    }
  }
}

const BLOCK_VALUE_NAMES: Record<BlockKind, string> = { ip_hash: 'an IP hash', cidr: 'an address range', email_domain: 'an email domain' };
const BLOCK_VALUE_PROMPTS: Record<BlockKind, string> = {
  ip_hash: 'Enter the IP hash shown next to a signature',
  cidr: 'Enter an address or a range, like 203.0.113.0/24',
  email_domain: 'Enter an email domain, like example.org',
};

/** The stored form of a rule's value; a 422 naming the field when it is not one. */
function normaliseValue(kind: BlockKind, raw: string): string {
  const checked = checkBlockValue(kind, raw);
  if ('problem' in checked) throw invalidValue(checked.problem);
  return checked.value;
}

function filterFor(target: BlockTarget, value: string): BlockableFilter {
  const letterId = target.letterId ?? null;
  switch (target.kind) {
    case 'ip_hash':
      return { letterId, ipHash: value };
    case 'email_domain':
      return { letterId, emailDomain: value };
    case 'cidr': {
      const range = parseIpRange(value);
      return { letterId, ipNetworkMatches: (network) => range !== undefined && rangeContainsNetwork(range, network) };
    }
  }
}

/** How many signatures a rule would catch, before the organiser commits to it. */
export async function previewBlock(ctx: Context, target: BlockTarget): Promise<BlockPreview> {
  const matches = await findBlockableSignatures(ctx.db, filterFor(target, normaliseValue(target.kind, target.value)));
  return { matching: matches.length, counted: matches.filter((match) => match.state !== 'unconfirmed').length };
}

/** Rejects every signature the rule catches and keeps the rule for later signers: one audited transaction. */
export async function applyBlock(ctx: Context, target: BlockTarget & { actor: Actor }): Promise<BlockResult> {
  const now = ctx.now();
  const value = normaliseValue(target.kind, target.value);
  const letterId = target.letterId ?? null;
  return ctx.db.write(async (tx) => {
    const outcome = await shadowRejectSignatures(tx, await findBlockableSignatures(tx, filterFor(target, value)), now);
    const ruleId =
      (await existingRuleId(tx, letterId, target.kind, value)) ??
      (await one(tx.insert(blockRules).values({ letterId, kind: target.kind, value, createdBy: target.actor.label, createdAt: now }).returning({ id: blockRules.id }))).id;
    const sources = target.kind === 'ip_hash' ? await linkSourceSignatures(tx, ruleId, value) : [];
    await recordAudit(tx, { actor: target.actor, action: 'signatures.block', subject: `block_rule:${ruleId}`, details: { letterId, kind: target.kind, value, ...outcome, ...(sources.length > 0 ? { sources } : {}) } }, now);
    return { ruleId, ...outcome };
  });
}

/**
 * An IP-hash rule remembers the signatures it was made from (every one carrying the hash now, on
 * any letter), so erasing one of those signers finds the rule and its audit records after their
 * hash has changed. Returns their ids, for the audit record.
 */
async function linkSourceSignatures(tx: Tx, ruleId: number, ipHash: string): Promise<number[]> {
  const ids = await signaturesWithIpHash(tx, ipHash);
  await inChunks(ids, (chunk) => tx.insert(blockRuleSignatures).values(chunk.map((signatureId) => ({ ruleId, signatureId }))).onConflictDoNothing());
  return ids;
}

async function existingRuleId(tx: Tx, letterId: number | null, kind: BlockKind, value: string): Promise<number | undefined> {
  const sameLetter = letterId === null ? isNull(blockRules.letterId) : eq(blockRules.letterId, letterId);
  return (await first(tx.select({ id: blockRules.id }).from(blockRules).where(and(sameLetter, eq(blockRules.kind, kind), eq(blockRules.value, value)))))?.id;
}

export interface BlockRuleListing {
  id: number;
  kind: BlockKind;
  value: string;
  /** Null: every letter. */
  letter: { slug: string; title: string } | null;
  createdBy: string;
  createdAt: Date;
}

/**
 * The rules an organiser sees: for one letter, its own rules and the site-wide ones that also
 * catch its signers; without a letter, every rule. Newest first.
 */
export async function listBlockRules(ctx: Pick<Context, 'db'>, letterId?: number): Promise<BlockRuleListing[]> {
  const scope = letterId === undefined ? undefined : or(isNull(blockRules.letterId), eq(blockRules.letterId, letterId));
  const rows = await ctx.db.select().from(blockRules).where(scope).orderBy(desc(blockRules.id));
  const letters = new Map<number, { slug: string; title: string }>();
  for (const id of new Set(rows.flatMap((row) => (row.letterId === null ? [] : [row.letterId])))) {
    const { slug, title } = await findLetterById(ctx.db, id);
    letters.set(id, { slug, title });
  }
  return rows.map((row) => ({ id: row.id, kind: row.kind, value: row.value, letter: row.letterId === null ? null : (letters.get(row.letterId) ?? null), createdBy: row.createdBy, createdAt: row.createdAt }));
}

/**
 * Stops a rule catching new signers; audited. Signatures it already rejected stay rejected (a
 * moderator can approve any of them one by one): they may have been rejected for other reasons
 * too, and undoing a ban in bulk would put every one of them back on the list unseen.
 * `letterId` is the scope the request came from: a letter's page removes only that letter's rules.
 */
export async function removeBlock(ctx: Context, input: { ruleId: number; letterId: number | null; actor: Actor }): Promise<void> {
  const now = ctx.now();
  return ctx.db.write(async (tx) => {
    const rule = await first(tx.select().from(blockRules).where(eq(blockRules.id, input.ruleId)));
    if (!rule || rule.letterId !== input.letterId) throw notFound('block rule');
    await tx.delete(blockRules).where(eq(blockRules.id, rule.id));
    // An address hash is named by the rule's id only: this record is made later than the rule, and
    // would otherwise keep the hash past the retention that deletes the rule.
    const named = rule.kind === 'ip_hash' ? {} : { value: rule.value };
    await recordAudit(tx, { actor: input.actor, action: 'signatures.unblock', subject: `block_rule:${rule.id}`, details: { ruleId: rule.id, letterId: rule.letterId, kind: rule.kind, ...named } }, now);
  });
}

/**
 * An IP-hash rule holds a signer's (keyed) address hash, so it follows the retention and erasure of
 * the hashes on signatures: the rules made at or before `before`, or those naming one of `values`
 * (a list or a subquery) or made from one of `signatureIds` (see linkSourceSignatures), are
 * deleted, and their hashes are erased from the audit log too. Address ranges and email domains
 * name no one and stay. Call inside the erasing transaction.
 */
export async function forgetIpHashRules(tx: Tx, which: BlockedHashSelection): Promise<number> {
  await eraseBlockedIpHashes(tx, which);
  const chosen =
    'before' in which
      ? lte(blockRules.createdAt, which.before)
      : or(
          inArray(blockRules.value, listOrQuery(which.values)),
          inArray(blockRules.id, tx.select({ id: blockRuleSignatures.ruleId }).from(blockRuleSignatures).where(inArray(blockRuleSignatures.signatureId, listOrQuery(which.signatureIds)))),
        );
  return (await tx.delete(blockRules).where(and(eq(blockRules.kind, 'ip_hash'), chosen)).returning({ id: blockRules.id })).length;
}

const listOrQuery = <T>(values: readonly T[] | SQLWrapper): T[] | SQLWrapper => (Array.isArray(values) ? [...(values as readonly T[])] : (values as SQLWrapper));

export interface Signer {
  letterId: number;
  /** The live client address and its keyed hash; absent when the address is unknown. */
  client: { address: string; ipHash: string } | undefined;
  emailDomain: string;
}

function ruleCatches(rule: BlockRuleRow, signer: Signer): boolean {
  switch (rule.kind) {
    case 'ip_hash':
      return signer.client?.ipHash === rule.value;
    case 'email_domain':
      return signer.emailDomain === rule.value || signer.emailDomain.endsWith(`.${rule.value}`);
    case 'cidr': {
      const range = parseIpRange(rule.value);
      return range !== undefined && signer.client !== undefined && rangeContainsAddress(range, signer.client.address);
    }
  }
}

/** The block rule that catches a new signer, if any: their signature is then stored blocked. */
const rulesForLetter = preparedQuery((db) => db.select().from(blockRules).where(or(isNull(blockRules.letterId), eq(blockRules.letterId, sql.placeholder('letterId')))));

export async function matchingBlockRule(db: Reader, signer: Signer): Promise<BlockRuleRow | undefined> {
  const rules = await rulesForLetter.rows(db, { letterId: signer.letterId });
  return rules.find((rule) => ruleCatches(rule, signer));
}
