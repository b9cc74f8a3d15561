/**
 * Organiser accounts: sign-in with its throttle and bounded password hashing, sessions, CSRF, roles and
 * the `organiser` command.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { actorFrom, currentOrganiser, hasRole, requireCsrf, requireOrganiser } from './access.js';
