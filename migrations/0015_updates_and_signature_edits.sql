CREATE TABLE `signature_edits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`signature_id` integer NOT NULL,
	`letter_id` integer NOT NULL,
	`name` text NOT NULL,
	`title` text NOT NULL,
	`organisation_text` text NOT NULL,
	`show_public` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signature_edits_signature_uq` ON `signature_edits` (`signature_id`);--> statement-breakpoint
CREATE INDEX `signature_edits_letter_idx` ON `signature_edits` (`letter_id`,`id`);--> statement-breakpoint
CREATE TABLE `letter_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`letter_id` integer NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`show_on_letter` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`last_signature_id` integer,
	`filled_through` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `letter_updates_letter_idx` ON `letter_updates` (`letter_id`,`id`);--> statement-breakpoint
CREATE INDEX `letter_updates_state_idx` ON `letter_updates` (`state`);--> statement-breakpoint
CREATE TABLE `update_deliveries` (
	`update_id` integer NOT NULL,
	`signature_id` integer NOT NULL,
	`outbox_id` integer,
	`queued_at` integer NOT NULL,
	PRIMARY KEY(`update_id`, `signature_id`),
	FOREIGN KEY (`update_id`) REFERENCES `letter_updates`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`outbox_id`) REFERENCES `outbox`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `update_deliveries_outbox_idx` ON `update_deliveries` (`outbox_id`);