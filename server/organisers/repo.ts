import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { organisers, type OrganiserRole, type OrganiserRow } from './table.js';

export const findOrganiserByEmail = (db: Db, email: string): OrganiserRow | undefined =>
  db.select().from(organisers).where(eq(organisers.email, email)).get();

export const findOrganiserById = (db: Db, id: number): OrganiserRow | undefined =>
  db.select().from(organisers).where(eq(organisers.id, id)).get();

export const listOrganiserRows = (db: Db): OrganiserRow[] => db.select().from(organisers).orderBy(asc(organisers.email)).all();

export const countWithRole = (db: Db, role: OrganiserRole): number =>
  db.select({ n: count() }).from(organisers).where(eq(organisers.role, role)).get()?.n ?? 0;
