-- The triggers of 0001, 0003 and 0004 that spelled out "on the public list" (approved and shown)
-- read signatures.listed (0009) instead, so the rule has one definition. SQLite cannot alter a
-- trigger: each is dropped and created again, in the order first created, otherwise exactly as
-- before (events, columns, statements). Dropping and creating happen in the migration's
-- transaction, so no write ever finds a trigger missing.
DROP TRIGGER `signatures_count_insert`;
--> statement-breakpoint
DROP TRIGGER `signatures_count_delete`;
--> statement-breakpoint
DROP TRIGGER `signatures_count_update`;
--> statement-breakpoint
DROP TRIGGER `signatures_org_count_insert`;
--> statement-breakpoint
DROP TRIGGER `signatures_org_count_delete`;
--> statement-breakpoint
DROP TRIGGER `signatures_org_count_update`;
--> statement-breakpoint
DROP TRIGGER `signatures_public_revision_insert`;
--> statement-breakpoint
DROP TRIGGER `signatures_public_revision_delete`;
--> statement-breakpoint
DROP TRIGGER `signatures_public_revision_update`;
--> statement-breakpoint
-- Per-letter counts by state (0001).
CREATE TRIGGER `signatures_count_insert` AFTER INSERT ON `signatures` BEGIN
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` + (NEW.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` + (NEW.`state` = 'pending'),
    `count_approved` = `count_approved` + (NEW.`state` = 'approved'),
    `count_rejected` = `count_rejected` + (NEW.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` + (NEW.`state` = 'withdrawn'),
    `count_listed` = `count_listed` + (NEW.`listed` = 1)
  WHERE `id` = NEW.`letter_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_count_delete` AFTER DELETE ON `signatures` BEGIN
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` - (OLD.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` - (OLD.`state` = 'pending'),
    `count_approved` = `count_approved` - (OLD.`state` = 'approved'),
    `count_rejected` = `count_rejected` - (OLD.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` - (OLD.`state` = 'withdrawn'),
    `count_listed` = `count_listed` - (OLD.`listed` = 1)
  WHERE `id` = OLD.`letter_id`;
END;
--> statement-breakpoint
-- listed is computed from state and show_public: an UPDATE OF those columns is what can change it
-- (a generated column is never named by an UPDATE itself).
CREATE TRIGGER `signatures_count_update` AFTER UPDATE OF `state`, `show_public`, `letter_id` ON `signatures`
WHEN OLD.`state` IS NOT NEW.`state` OR OLD.`show_public` IS NOT NEW.`show_public` OR OLD.`letter_id` IS NOT NEW.`letter_id` BEGIN
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` - (OLD.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` - (OLD.`state` = 'pending'),
    `count_approved` = `count_approved` - (OLD.`state` = 'approved'),
    `count_rejected` = `count_rejected` - (OLD.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` - (OLD.`state` = 'withdrawn'),
    `count_listed` = `count_listed` - (OLD.`listed` = 1)
  WHERE `id` = OLD.`letter_id`;
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` + (NEW.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` + (NEW.`state` = 'pending'),
    `count_approved` = `count_approved` + (NEW.`state` = 'approved'),
    `count_rejected` = `count_rejected` + (NEW.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` + (NEW.`state` = 'withdrawn'),
    `count_listed` = `count_listed` + (NEW.`listed` = 1)
  WHERE `id` = NEW.`letter_id`;
END;
--> statement-breakpoint
-- Listed signatures per letter and organisation group (0003).
CREATE TRIGGER `signatures_org_count_insert` AFTER INSERT ON `signatures`
WHEN NEW.`listed` = 1 AND NEW.`organisation_group` IS NOT NULL BEGIN
  INSERT INTO `letter_organisation_counts` (`letter_id`, `organisation_group`, `organisation_id`, `label`, `listed`)
  VALUES (NEW.`letter_id`, NEW.`organisation_group`, NEW.`organisation_id`, NEW.`organisation_text`, 1)
  ON CONFLICT (`letter_id`, `organisation_group`) DO UPDATE SET `listed` = `listed` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_org_count_delete` AFTER DELETE ON `signatures`
WHEN OLD.`listed` = 1 AND OLD.`organisation_group` IS NOT NULL BEGIN
  UPDATE `letter_organisation_counts` SET `listed` = `listed` - 1
  WHERE `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group`;
  DELETE FROM `letter_organisation_counts`
  WHERE `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group` AND `listed` <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_org_count_update` AFTER UPDATE OF `state`, `show_public`, `letter_id`, `organisation_id`, `organisation_key` ON `signatures`
WHEN OLD.`listed` IS NOT NEW.`listed`
  OR (NEW.`listed` = 1
      AND (OLD.`letter_id` IS NOT NEW.`letter_id` OR OLD.`organisation_group` IS NOT NEW.`organisation_group`)) BEGIN
  UPDATE `letter_organisation_counts` SET `listed` = `listed` - 1
  WHERE OLD.`listed` = 1
    AND `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group`;
  DELETE FROM `letter_organisation_counts`
  WHERE `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group` AND `listed` <= 0;
  INSERT INTO `letter_organisation_counts` (`letter_id`, `organisation_group`, `organisation_id`, `label`, `listed`)
  SELECT NEW.`letter_id`, NEW.`organisation_group`, NEW.`organisation_id`, NEW.`organisation_text`, 1
  WHERE NEW.`listed` = 1 AND NEW.`organisation_group` IS NOT NULL
  ON CONFLICT (`letter_id`, `organisation_group`) DO UPDATE SET `listed` = `listed` + 1;
END;
--> statement-breakpoint
-- The public page revision (0004).
CREATE TRIGGER `signatures_public_revision_insert` AFTER INSERT ON `signatures`
WHEN NEW.`listed` = 1 BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1 WHERE `id` = NEW.`letter_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_public_revision_delete` AFTER DELETE ON `signatures`
WHEN OLD.`listed` = 1 BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1 WHERE `id` = OLD.`letter_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_public_revision_update` AFTER UPDATE OF `state`, `show_public`, `letter_id`, `name`, `title`,
  `organisation_text`, `organisation_id`, `email_domain`, `affiliation_verified`, `featured`, `signed_at` ON `signatures`
WHEN OLD.`listed` = 1 OR NEW.`listed` = 1 BEGIN
  UPDATE `letters` SET `public_revision` = `public_revision` + 1 WHERE `id` IN (OLD.`letter_id`, NEW.`letter_id`);
END;
