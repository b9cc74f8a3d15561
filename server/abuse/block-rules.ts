import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { domainToASCII } from 'node:url';
import { recordAudit, type Actor } from '../audit/record.js';
import type { Context } from '../context.js';
import type { Db } from '../db/client.js';
import { preparedPerConnection } from '../db/prepared.js';
import { findBlockableSignatures, shadowRejectSignatures, type BlockableFilter } from '../signatures/block-matching.js';
import { AppError } from '../web/errors.js';
import { parseIpRange, rangeContainsAddress, rangeContainsNetwork } from './ip-ranges.js';
import { blockRules, type BlockKind } from './table.js';

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

const invalidValue = (message: string): AppError => new AppError('block_value_invalid', 422, message);

const DOMAIN = /^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z0-9-]{2,63}$/;

/** The stored form of a rule's value; a 422 when it is not one. */
function normaliseValue(kind: BlockKind, raw: string): string {
  const value = raw.trim().toLowerCase();
  switch (kind) {
    case 'ip_hash':
      if (!/^[0-9a-f]{64}$/.test(value)) throw invalidValue('An IP hash is 64 hexadecimal characters, as shown next to a signature.');
      return value;
    case 'cidr': {
      const range = parseIpRange(value);
      if (!range) throw invalidValue('Enter an address or a range like 203.0.113.0/24 or 2001:db8::/32 (at most /8 for IPv4, /16 for IPv6).');
      return range.value;
    }
    case 'email_domain': {
      const domain = domainToASCII(value.replace(/^@/, '')).toLowerCase();
      if (!DOMAIN.test(domain)) throw invalidValue('Enter an email domain like example.org.');
      return domain;
    }
  }
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
export function previewBlock(ctx: Context, target: BlockTarget): BlockPreview {
  const matches = findBlockableSignatures(ctx.db, filterFor(target, normaliseValue(target.kind, target.value)));
  return { matching: matches.length, counted: matches.filter((match) => match.state !== 'unconfirmed').length };
}

/** Rejects every signature the rule catches and keeps the rule for later signers: one audited transaction. */
export function applyBlock(ctx: Context, target: BlockTarget & { actor: Actor }): BlockResult {
  const now = ctx.now();
  const value = normaliseValue(target.kind, target.value);
  const letterId = target.letterId ?? null;
  return ctx.db.transaction((tx) => {
    const outcome = shadowRejectSignatures(tx, findBlockableSignatures(tx, filterFor(target, value)), now);
    const ruleId =
      existingRuleId(tx, letterId, target.kind, value) ??
      tx.insert(blockRules).values({ letterId, kind: target.kind, value, createdBy: target.actor.label, createdAt: now }).returning({ id: blockRules.id }).get().id;
    recordAudit(tx, { actor: target.actor, action: 'signatures.block', subject: `block_rule:${ruleId}`, details: { letterId, kind: target.kind, value, ...outcome } }, now);
    return { ruleId, ...outcome };
  });
}

function existingRuleId(tx: Db, letterId: number | null, kind: BlockKind, value: string): number | undefined {
  const sameLetter = letterId === null ? isNull(blockRules.letterId) : eq(blockRules.letterId, letterId);
  return tx.select({ id: blockRules.id }).from(blockRules).where(and(sameLetter, eq(blockRules.kind, kind), eq(blockRules.value, value))).get()?.id;
}

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
const rulesForLetter = preparedPerConnection((db) =>
  db.select().from(blockRules).where(or(isNull(blockRules.letterId), eq(blockRules.letterId, sql.placeholder('letterId')))).prepare(),
);

export function matchingBlockRule(db: Db, signer: Signer): BlockRuleRow | undefined {
  const rules = rulesForLetter(db).all({ letterId: signer.letterId });
  return rules.find((rule) => ruleCatches(rule, signer));
}
