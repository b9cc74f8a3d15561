/**
 * Legal-form words that people add or leave out at will ("NVIDIA Corp." and "Nvidia" are one
 * organisation). Only dropped at the end of a name, and never the last word left.
 */
const LEGAL_SUFFIXES = new Set([
  'ab', 'ag', 'bv', 'co', 'company', 'corp', 'corporation', 'gmbh', 'inc', 'incorporated', 'kg', 'limited', 'llc', 'llp',
  'ltd', 'nv', 'oy', 'plc', 'pty', 'sa', 'sarl', 'sas', 'spa', 'srl',
]);

/** Combining accents (Latin, Greek, Cyrillic): "Société" and "Societe" are typed for one name. */
const COMBINING_ACCENTS = /[\u0300-\u036f]/g;

/**
 * The key an organisation's name is matched by: compatibility-normalised (NFKC), accents and case
 * folded, punctuation removed ("I.B.M." is "ibm"; "Hewlett-Packard" is "hewlett packard"), "&"
 * read as "and", spaces collapsed, and a leading "the" and trailing legal forms dropped. Empty
 * when the text holds no letters or digits.
 */
export function organisationKey(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(COMBINING_ACCENTS, '')
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const words = folded ? folded.split(' ') : [];
  if (words.length > 1 && words[0] === 'the') words.shift();
  while (words.length > 1 && LEGAL_SUFFIXES.has(words.at(-1) ?? '')) words.pop();
  return words.join(' ');
}
