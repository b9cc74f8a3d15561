CREATE TABLE `letter_deliveries` (
	`letter_id` integer PRIMARY KEY NOT NULL,
	`recipient` text NOT NULL,
	`delivered_on` text NOT NULL,
	`delivery_note` text DEFAULT '' NOT NULL,
	`delivery_link` text DEFAULT '' NOT NULL,
	`response_on` text DEFAULT '' NOT NULL,
	`response_text` text DEFAULT '' NOT NULL,
	`response_link` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
