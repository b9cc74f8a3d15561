/**
 * The organisers' CSV export of signatories, streamed (the byte-level encoder is in lib/csv), with its
 * filters, its audit row and the `export` command.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { EXPORT_STATES } from './filters.js';
