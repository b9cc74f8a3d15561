/** "1 signature", "2 signatures", "12,500 rows": counts as people read them. */
export const countOf = (count: number, singular: string, plural = `${singular}s`): string =>
  `${count.toLocaleString('en-GB')} ${count === 1 ? singular : plural}`;
