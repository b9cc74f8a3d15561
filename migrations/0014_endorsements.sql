CREATE TABLE `endorsement_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`endorsement_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`replaced_at` integer,
	FOREIGN KEY (`endorsement_id`) REFERENCES `endorsements`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `endorsement_tokens_endorsement_idx` ON `endorsement_tokens` (`endorsement_id`);--> statement-breakpoint
CREATE TABLE `endorsements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`letter_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`organisation_text` text NOT NULL,
	`organisation_id` integer,
	`organisation_key` text NOT NULL,
	`representative_name` text NOT NULL,
	`representative_role` text DEFAULT '' NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`email_domain` text NOT NULL,
	`statement` text DEFAULT '' NOT NULL,
	`state` text DEFAULT 'unconfirmed' NOT NULL,
	`verified_domain` text,
	`mails_sent` integer DEFAULT 0 NOT NULL,
	`submitted_at` integer NOT NULL,
	`confirmed_at` integer,
	`moderated_at` integer,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `letter_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `endorsements_letter_email_uq` ON `endorsements` (`letter_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `endorsements_letter_state_idx` ON `endorsements` (`letter_id`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `endorsements_email_key_idx` ON `endorsements` (`email_key`);--> statement-breakpoint
CREATE INDEX `endorsements_state_submitted_idx` ON `endorsements` (`state`,`submitted_at`);