DROP INDEX `letter_versions_letter_number_uq`;--> statement-breakpoint
ALTER TABLE `letter_versions` ADD `lang` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `letter_versions_letter_lang_number_uq` ON `letter_versions` (`letter_id`,`lang`,`number`);--> statement-breakpoint
ALTER TABLE `letters` ADD `lang` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `letters` ADD `translations` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `signatures` ADD `lang` text DEFAULT 'en' NOT NULL;