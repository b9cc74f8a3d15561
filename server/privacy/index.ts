/**
 * What the platform keeps and forgets: signer erasure requests, retention runs, letter anonymisation and
 * the privacy page. It asks signatures/ (which owns the rows) to erase or anonymise; the decisions of
 * when and what live here, because the user of these is the data subject or the operator's policy.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { runPrivacyJobs } from './run-privacy-jobs.js';
