ALTER TABLE `signatures` ADD `rejected_at` integer;--> statement-breakpoint
ALTER TABLE `signatures` ADD `rejection_note` text;