import type { Tx } from '../db/database.js';
import { auditEvents } from './table.js';

/** Who did something: an organiser, or the server itself (scheduled jobs, the CLI). */
export type Actor = { kind: 'organiser'; id: number; label: string } | { kind: 'system'; label: string };

export const SYSTEM_ACTOR: Actor = { kind: 'system', label: 'system' };

export interface AuditEntry {
  actor: Actor;
  /** Dotted verb, stable for filtering: `letter.update`, `signatures.moderate`, `export.csv`, … */
  action: string;
  /** What it was done to, e.g. `letter:keep-defensive-ai-open`. */
  subject?: string;
  details?: Record<string, unknown>;
}

/** Records an organiser or system action; call inside the transaction of the action itself. */
export async function recordAudit(tx: Tx, entry: AuditEntry, now: Date): Promise<void> {
  await tx.insert(auditEvents).values({
    organiserId: entry.actor.kind === 'organiser' ? entry.actor.id : null,
    actor: entry.actor.label,
    action: entry.action,
    subject: entry.subject ?? null,
    details: entry.details ?? null,
    createdAt: now,
  });
}
