DROP INDEX `signatures_public_list_idx`;--> statement-breakpoint
DROP INDEX `signatures_public_group_idx`;--> statement-breakpoint
DROP INDEX `signatures_featured_idx`;--> statement-breakpoint
ALTER TABLE `signatures` ADD `listed` integer GENERATED ALWAYS AS (state = 'approved' AND show_public = 1) VIRTUAL;--> statement-breakpoint
CREATE INDEX `signatures_public_list_idx` ON `signatures` (`letter_id`,`id`) WHERE listed = 1;--> statement-breakpoint
CREATE INDEX `signatures_public_group_idx` ON `signatures` (`letter_id`,`organisation_group`,`id`) WHERE listed = 1;--> statement-breakpoint
CREATE INDEX `signatures_featured_idx` ON `signatures` (`letter_id`,`id`) WHERE listed = 1 AND featured = 1;