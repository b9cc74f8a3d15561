/**
 * Letters and their published versions: finding a letter (find-letter.ts is the one way), what its status
 * and counts mean (letter-status.ts), organisers' editing, the demo letter, and the counts and page
 * revision columns the signature triggers keep (written here only by a counts repair).
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export type { LetterRow, LetterVersionRow, PublicLetterRow } from './table.js';
export { createDemoLetter, DEMO_LETTER, seedDemoLetterIfEmpty } from './demo-letter.js';
export { type PublicLetter, type PublishedLetterRow, findLetter, findLetterById, findPublicLetter, findPublicLetterOnce, findPublicLetterWithVersion, listOpenLetters, publishedVersionIn, publishedVersionOf } from './find-letter.js';
export { currentVersionIdIn, letterLanguages, textAsShown } from './translations.js';
export { translateLetter } from './manage-translations.js';
export { closedSince, effectiveStatus, isAcceptingSignatures, publicFingerprint, signatureCount } from './letter-status.js';
export { createLetter } from './publish-version.js';
export { bumpPublicRevision, findVersion, listLetterIds, lockLetterRow, markLetterAnonymised, selectLetterById, writeLetterCounts } from './repo.js';
export { versionHtml } from './versions.js';
