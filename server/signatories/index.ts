/**
 * What readers see: the letter page with its sign form, the public list of signatories with search,
 * paging, breakdown and its CSV download, the public JSON API and the embed.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { givenBackLetterPageModel } from './letter-page.js';
