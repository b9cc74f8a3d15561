/**
 * The scheduler that runs the periodic jobs (privacy retention, reminders, pruning ended rate-limit windows) in the server process, one process
 * at a time when several share the database.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { EVERY_JOB, type ScheduledJob, type ScheduledJobs, startScheduledJobs } from './scheduler.js';
