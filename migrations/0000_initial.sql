CREATE TABLE `letter_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`letter_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`body` text NOT NULL,
	`sha256` text NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `letter_versions_letter_number_uq` ON `letter_versions` (`letter_id`,`number`);--> statement-breakpoint
CREATE TABLE `letters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`moderation` text DEFAULT 'pre' NOT NULL,
	`opens_at` integer,
	`closes_at` integer,
	`current_version_id` integer,
	`reminders_enabled` integer DEFAULT true NOT NULL,
	`anonymised_at` integer,
	`count_unconfirmed` integer DEFAULT 0 NOT NULL,
	`count_pending` integer DEFAULT 0 NOT NULL,
	`count_approved` integer DEFAULT 0 NOT NULL,
	`count_rejected` integer DEFAULT 0 NOT NULL,
	`count_withdrawn` integer DEFAULT 0 NOT NULL,
	`count_listed` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `letters_slug_unique` ON `letters` (`slug`);--> statement-breakpoint
CREATE INDEX `letters_status_idx` ON `letters` (`status`);--> statement-breakpoint
CREATE TABLE `signature_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`signature_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `signature_tokens_signature_idx` ON `signature_tokens` (`signature_id`);--> statement-breakpoint
CREATE TABLE `signatures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`letter_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`email_domain` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`organisation_text` text DEFAULT '' NOT NULL,
	`organisation_id` integer,
	`comment` text DEFAULT '' NOT NULL,
	`show_public` integer DEFAULT true NOT NULL,
	`contact_updates` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'unconfirmed' NOT NULL,
	`featured` integer DEFAULT false NOT NULL,
	`affiliation_verified` integer DEFAULT false NOT NULL,
	`disposable_email` integer DEFAULT false NOT NULL,
	`hold_reason` text,
	`blocked` integer DEFAULT false NOT NULL,
	`mails_sent` integer DEFAULT 0 NOT NULL,
	`reminder_sent_at` integer,
	`moderation_note` text,
	`ip_hash` text,
	`ip_network` text,
	`signed_at` integer NOT NULL,
	`confirmed_at` integer,
	`moderated_at` integer,
	`withdrawn_at` integer,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `letter_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signatures_letter_email_uq` ON `signatures` (`letter_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `signatures_letter_state_idx` ON `signatures` (`letter_id`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `signatures_public_list_idx` ON `signatures` (`letter_id`,`id`) WHERE state = 'approved' AND show_public = 1;--> statement-breakpoint
CREATE INDEX `signatures_state_signed_idx` ON `signatures` (`state`,`signed_at`);--> statement-breakpoint
CREATE INDEX `signatures_email_key_idx` ON `signatures` (`email_key`);--> statement-breakpoint
CREATE INDEX `signatures_organisation_idx` ON `signatures` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisation_aliases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`alias` text NOT NULL,
	`alias_key` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisation_aliases_alias_key_unique` ON `organisation_aliases` (`alias_key`);--> statement-breakpoint
CREATE INDEX `organisation_aliases_org_idx` ON `organisation_aliases` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisation_domains` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`domain` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisation_domains_domain_unique` ON `organisation_domains` (`domain`);--> statement-breakpoint
CREATE INDEX `organisation_domains_org_idx` ON `organisation_domains` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_name_key_unique` ON `organisations` (`name_key`);--> statement-breakpoint
CREATE TABLE `organisers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisers_email_unique` ON `organisers` (`email`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`organiser_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`organiser_id`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_organiser_idx` ON `sessions` (`organiser_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`signature_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
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
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_signature_idx` ON `outbox` (`signature_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organiser_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text,
	`details` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organiser_id`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_events_created_idx` ON `audit_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `block_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`letter_id` integer,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `block_rules_kind_idx` ON `block_rules` (`kind`,`value`);