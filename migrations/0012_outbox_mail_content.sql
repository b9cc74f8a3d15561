-- Queued mail keeps what it says (content, JSON) and the outbox worker renders it when sending; rows
-- queued before keep their rendered parts, so text_body and html_body may be NULL from now on.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`signature_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`content` text,
	`text_body` text,
	`html_body` text,
	`message_id` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_outbox`("id", "kind", "signature_id", "to_address", "subject", "content", "text_body", "html_body", "message_id", "state", "attempts", "next_attempt_at", "locked_until", "last_error", "created_at", "sent_at") SELECT "id", "kind", "signature_id", "to_address", "subject", NULL, "text_body", "html_body", "message_id", "state", "attempts", "next_attempt_at", "locked_until", "last_error", "created_at", "sent_at" FROM `outbox`;--> statement-breakpoint
DROP TABLE `outbox`;--> statement-breakpoint
ALTER TABLE `__new_outbox` RENAME TO `outbox`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_signature_idx` ON `outbox` (`signature_id`);