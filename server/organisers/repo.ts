import { asc, count, eq } from 'drizzle-orm';
import { first, type Reader } from '../db/database.js';
import { organisers, type OrganiserRole, type OrganiserRow } from './table.js';

export const findOrganiserByEmail = (db: Reader, email: string): Promise<OrganiserRow | undefined> => first(db.select().from(organisers).where(eq(organisers.email, email)));

export const findOrganiserById = (db: Reader, id: number): Promise<OrganiserRow | undefined> => first(db.select().from(organisers).where(eq(organisers.id, id)));

export const listOrganiserRows = (db: Reader): Promise<OrganiserRow[]> => db.select().from(organisers).orderBy(asc(organisers.email));

export const countWithRole = async (db: Reader, role: OrganiserRole): Promise<number> => (await first(db.select({ n: count() }).from(organisers).where(eq(organisers.role, role))))?.n ?? 0;
