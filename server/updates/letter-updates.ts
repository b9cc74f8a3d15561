import { and, desc, eq, ne } from 'drizzle-orm';
import type { Reader } from '../db/database.js';
import { renderMarkdown } from '../lib/markdown.js';
import { letterUpdates } from './table.js';

export interface PublicUpdate {
  subject: string;
  bodyHtml: string;
  sentAt: Date;
}

const SHOWN_AT_MOST = 20;

/** The sent updates an owner chose to show on the letter page, newest first. */
export async function publicUpdatesOf(db: Reader, letterId: number): Promise<PublicUpdate[]> {
  const rows = await db
    .select({ subject: letterUpdates.subject, body: letterUpdates.body, sentAt: letterUpdates.sentAt })
    .from(letterUpdates)
    .where(and(eq(letterUpdates.letterId, letterId), eq(letterUpdates.showOnLetter, true), ne(letterUpdates.state, 'draft')))
    .orderBy(desc(letterUpdates.sentAt), desc(letterUpdates.id))
    .limit(SHOWN_AT_MOST);
  return rows.map((row) => ({ subject: row.subject, bodyHtml: renderMarkdown(row.body), sentAt: row.sentAt ?? new Date(0) }));
}
