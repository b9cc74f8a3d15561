const DAY = 24 * 60 * 60 * 1000;

/** The moment `days` whole days before `now`. */
export const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY);

/** The moment `days` whole days after `from`. */
export const daysAfter = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY);
