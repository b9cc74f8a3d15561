/**
 * The scheduler that runs the periodic jobs (privacy retention, reminders) in the server process.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { type ScheduledJobs, startScheduledJobs } from './scheduler.js';
