ALTER TABLE `letters` ADD `public_revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- letters.public_revision changes, in the same transaction, whenever something a public page shows
-- of a letter's signatories changes: a listed signature appears, changes or goes; an
-- organisation's name or verified domains change (those show on every letter). Pages rendered
-- for a revision stay valid until it moves. Unlisted rows (a new, unconfirmed signature) never
-- move it, so a signing surge does not throw the letter page away on every signature; nor do
-- columns no page shows (mails sent, the IP hash the nightly job forgets).
CREATE TRIGGER `signatures_public_revision_insert` AFTER INSERT ON `signatures`
WHEN NEW.`state` = 'approved' AND NEW.`show_public` = 1 BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1 WHERE `id` = NEW.`letter_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_public_revision_delete` AFTER DELETE ON `signatures`
WHEN OLD.`state` = 'approved' AND OLD.`show_public` = 1 BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1 WHERE `id` = OLD.`letter_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_public_revision_update` AFTER UPDATE OF `state`, `show_public`, `letter_id`, `name`, `title`,
  `organisation_text`, `organisation_id`, `email_domain`, `affiliation_verified`, `featured`, `signed_at` ON `signatures`
WHEN (OLD.`state` = 'approved' AND OLD.`show_public` = 1) OR (NEW.`state` = 'approved' AND NEW.`show_public` = 1) BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1 WHERE `id` IN (OLD.`letter_id`, NEW.`letter_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `organisations_public_revision_update` AFTER UPDATE OF `name` ON `organisations` BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organisation_domains_public_revision_insert` AFTER INSERT ON `organisation_domains` BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organisation_domains_public_revision_delete` AFTER DELETE ON `organisation_domains` BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `organisation_domains_public_revision_update` AFTER UPDATE ON `organisation_domains` BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1;
END;
