CREATE TABLE `block_rule_signatures` (
	`rule_id` integer NOT NULL,
	`signature_id` integer NOT NULL,
	PRIMARY KEY(`rule_id`, `signature_id`),
	FOREIGN KEY (`rule_id`) REFERENCES `block_rules`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signature_id`) REFERENCES `signatures`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `block_rule_signatures_signature_idx` ON `block_rule_signatures` (`signature_id`);--> statement-breakpoint
ALTER TABLE `letters` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `signature_tokens` ADD `replaced_at` integer;