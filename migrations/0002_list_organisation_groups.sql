CREATE TABLE `letter_organisation_counts` (
	`letter_id` integer NOT NULL,
	`organisation_group` text NOT NULL,
	`organisation_id` integer,
	`label` text NOT NULL,
	`listed` integer NOT NULL,
	PRIMARY KEY(`letter_id`, `organisation_group`),
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `letter_organisation_counts_rank_idx` ON `letter_organisation_counts` (`letter_id`,`listed`);--> statement-breakpoint
ALTER TABLE `signatures` ADD `organisation_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `signatures` ADD `organisation_group` text GENERATED ALWAYS AS (CASE WHEN organisation_id IS NOT NULL THEN 'o:' || organisation_id WHEN organisation_key <> '' THEN 'k:' || organisation_key END) VIRTUAL;--> statement-breakpoint
CREATE INDEX `signatures_public_group_idx` ON `signatures` (`letter_id`,`organisation_group`,`id`) WHERE state = 'approved' AND show_public = 1;--> statement-breakpoint
CREATE INDEX `signatures_featured_idx` ON `signatures` (`letter_id`,`id`) WHERE state = 'approved' AND show_public = 1 AND featured = 1;--> statement-breakpoint
CREATE INDEX `signatures_unmatched_key_idx` ON `signatures` (`organisation_key`) WHERE organisation_id IS NULL AND organisation_key <> '';