CREATE TABLE `letter_signer_groups` (
	`letter_id` integer NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`signers` integer NOT NULL,
	`confirmed` integer NOT NULL,
	PRIMARY KEY(`letter_id`, `dimension`, `value`),
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `letter_signer_groups_rank_idx` ON `letter_signer_groups` (`letter_id`,`dimension`,`confirmed`);--> statement-breakpoint
CREATE TABLE `letter_signing_hours` (
	`letter_id` integer NOT NULL,
	`hour_start` integer NOT NULL,
	`confirmed` integer NOT NULL,
	PRIMARY KEY(`letter_id`, `hour_start`),
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `letter_partners` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`letter_id` integer NOT NULL,
	`name` text NOT NULL,
	`ref` text NOT NULL,
	`origins` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`letter_id`) REFERENCES `letters`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `letter_partners_letter_ref_uq` ON `letter_partners` (`letter_id`,`ref`);--> statement-breakpoint
ALTER TABLE `signatures` ADD `source` text;--> statement-breakpoint
-- The insights' kept figures (server/insights/table.ts), moved by every signature written, removed
-- or changed, like the letter counts (0010): confirmed signatures per letter and hour, and signers
-- and confirmed signers per letter by source, email domain and verified affiliation. A signature
-- is confirmed while pending or approved, in the hour of its confirmed_at (signed_at for rows
-- imported without one). Changes are added with an upsert (negative for a row removed), so both
-- engines keep the same rows (PostgreSQL's statement triggers: postgres/0006).
CREATE TRIGGER `signatures_insights_insert` AFTER INSERT ON `signatures` BEGIN
  INSERT INTO `letter_signing_hours` (`letter_id`, `hour_start`, `confirmed`)
  SELECT NEW.`letter_id`, coalesce(NEW.`confirmed_at`, NEW.`signed_at`) - coalesce(NEW.`confirmed_at`, NEW.`signed_at`) % 3600000, 1
  WHERE NEW.`state` IN ('pending', 'approved')
  ON CONFLICT (`letter_id`, `hour_start`) DO UPDATE SET `confirmed` = `confirmed` + excluded.`confirmed`;
  INSERT INTO `letter_signer_groups` (`letter_id`, `dimension`, `value`, `signers`, `confirmed`)
  SELECT NEW.`letter_id`, g.`dimension`, g.`value`, 1, NEW.`state` IN ('pending', 'approved')
  FROM (SELECT 'source' AS `dimension`, coalesce(NEW.`source`, '') AS `value`
        UNION ALL SELECT 'domain', NEW.`email_domain`
        UNION ALL SELECT 'verified', CASE WHEN NEW.`affiliation_verified` THEN 'yes' ELSE 'no' END) AS g
  WHERE 1
  ON CONFLICT (`letter_id`, `dimension`, `value`) DO UPDATE SET `signers` = `signers` + excluded.`signers`, `confirmed` = `confirmed` + excluded.`confirmed`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_insights_delete` AFTER DELETE ON `signatures` BEGIN
  INSERT INTO `letter_signing_hours` (`letter_id`, `hour_start`, `confirmed`)
  SELECT OLD.`letter_id`, coalesce(OLD.`confirmed_at`, OLD.`signed_at`) - coalesce(OLD.`confirmed_at`, OLD.`signed_at`) % 3600000, -1
  WHERE OLD.`state` IN ('pending', 'approved')
  ON CONFLICT (`letter_id`, `hour_start`) DO UPDATE SET `confirmed` = `confirmed` + excluded.`confirmed`;
  INSERT INTO `letter_signer_groups` (`letter_id`, `dimension`, `value`, `signers`, `confirmed`)
  SELECT OLD.`letter_id`, g.`dimension`, g.`value`, -1, -(OLD.`state` IN ('pending', 'approved'))
  FROM (SELECT 'source' AS `dimension`, coalesce(OLD.`source`, '') AS `value`
        UNION ALL SELECT 'domain', OLD.`email_domain`
        UNION ALL SELECT 'verified', CASE WHEN OLD.`affiliation_verified` THEN 'yes' ELSE 'no' END) AS g
  WHERE 1
  ON CONFLICT (`letter_id`, `dimension`, `value`) DO UPDATE SET `signers` = `signers` + excluded.`signers`, `confirmed` = `confirmed` + excluded.`confirmed`;
END;
--> statement-breakpoint
-- What the old row added is taken away and the new row's added: a signature confirmed, withdrawn,
-- rejected, moved to another hour, source, domain or affiliation moves its counts.
CREATE TRIGGER `signatures_insights_update` AFTER UPDATE OF `state`, `letter_id`, `confirmed_at`, `signed_at`, `source`, `email_domain`, `affiliation_verified` ON `signatures`
WHEN OLD.`state` IS NOT NEW.`state` OR OLD.`letter_id` IS NOT NEW.`letter_id` OR OLD.`confirmed_at` IS NOT NEW.`confirmed_at`
  OR OLD.`signed_at` IS NOT NEW.`signed_at` OR OLD.`source` IS NOT NEW.`source` OR OLD.`email_domain` IS NOT NEW.`email_domain`
  OR OLD.`affiliation_verified` IS NOT NEW.`affiliation_verified` BEGIN
  INSERT INTO `letter_signing_hours` (`letter_id`, `hour_start`, `confirmed`)
  SELECT OLD.`letter_id`, coalesce(OLD.`confirmed_at`, OLD.`signed_at`) - coalesce(OLD.`confirmed_at`, OLD.`signed_at`) % 3600000, -1
  WHERE OLD.`state` IN ('pending', 'approved')
  ON CONFLICT (`letter_id`, `hour_start`) DO UPDATE SET `confirmed` = `confirmed` + excluded.`confirmed`;
  INSERT INTO `letter_signing_hours` (`letter_id`, `hour_start`, `confirmed`)
  SELECT NEW.`letter_id`, coalesce(NEW.`confirmed_at`, NEW.`signed_at`) - coalesce(NEW.`confirmed_at`, NEW.`signed_at`) % 3600000, 1
  WHERE NEW.`state` IN ('pending', 'approved')
  ON CONFLICT (`letter_id`, `hour_start`) DO UPDATE SET `confirmed` = `confirmed` + excluded.`confirmed`;
  INSERT INTO `letter_signer_groups` (`letter_id`, `dimension`, `value`, `signers`, `confirmed`)
  SELECT OLD.`letter_id`, g.`dimension`, g.`value`, -1, -(OLD.`state` IN ('pending', 'approved'))
  FROM (SELECT 'source' AS `dimension`, coalesce(OLD.`source`, '') AS `value`
        UNION ALL SELECT 'domain', OLD.`email_domain`
        UNION ALL SELECT 'verified', CASE WHEN OLD.`affiliation_verified` THEN 'yes' ELSE 'no' END) AS g
  WHERE 1
  ON CONFLICT (`letter_id`, `dimension`, `value`) DO UPDATE SET `signers` = `signers` + excluded.`signers`, `confirmed` = `confirmed` + excluded.`confirmed`;
  INSERT INTO `letter_signer_groups` (`letter_id`, `dimension`, `value`, `signers`, `confirmed`)
  SELECT NEW.`letter_id`, g.`dimension`, g.`value`, 1, NEW.`state` IN ('pending', 'approved')
  FROM (SELECT 'source' AS `dimension`, coalesce(NEW.`source`, '') AS `value`
        UNION ALL SELECT 'domain', NEW.`email_domain`
        UNION ALL SELECT 'verified', CASE WHEN NEW.`affiliation_verified` THEN 'yes' ELSE 'no' END) AS g
  WHERE 1
  ON CONFLICT (`letter_id`, `dimension`, `value`) DO UPDATE SET `signers` = `signers` + excluded.`signers`, `confirmed` = `confirmed` + excluded.`confirmed`;
END;
--> statement-breakpoint
-- The figures of the signatures already stored (the same statements as postgres/0006's).
INSERT INTO `letter_signing_hours` (`letter_id`, `hour_start`, `confirmed`)
SELECT `letter_id`, coalesce(`confirmed_at`, `signed_at`) - coalesce(`confirmed_at`, `signed_at`) % 3600000 AS `hour`, count(*)
FROM `signatures` WHERE `state` IN ('pending', 'approved') GROUP BY `letter_id`, `hour`;
--> statement-breakpoint
INSERT INTO `letter_signer_groups` (`letter_id`, `dimension`, `value`, `signers`, `confirmed`)
SELECT `letter_id`, 'source', '', count(*), sum(CASE WHEN `state` IN ('pending', 'approved') THEN 1 ELSE 0 END) FROM `signatures` GROUP BY `letter_id`
UNION ALL
SELECT `letter_id`, 'domain', `email_domain`, count(*), sum(CASE WHEN `state` IN ('pending', 'approved') THEN 1 ELSE 0 END) FROM `signatures` GROUP BY `letter_id`, `email_domain`
UNION ALL
SELECT `letter_id`, 'verified', CASE WHEN `affiliation_verified` THEN 'yes' ELSE 'no' END AS `verified`, count(*), sum(CASE WHEN `state` IN ('pending', 'approved') THEN 1 ELSE 0 END)
FROM `signatures` GROUP BY `letter_id`, `verified`;
