/**
 * Moderators' work: the queue of a letter's signatures, approving, rejecting and hiding them one by one or
 * in bulk, and blocking from the queue. The statements over the signature table it runs live in
 * signatures/ (moderation-queue.ts), which owns that table.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
