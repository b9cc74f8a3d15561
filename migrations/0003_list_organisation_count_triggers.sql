-- Listed signatures per letter and organisation group (letter_organisation_counts), kept by the
-- database in the same transaction as every change to a signature, like the per-letter counts in
-- 0001: the public breakdown reads a few rows instead of grouping a letter's signatures. A group
-- whose count reaches zero is deleted, so no typed text outlives the signatures that carry it.
CREATE TRIGGER `signatures_org_count_insert` AFTER INSERT ON `signatures`
WHEN NEW.`state` = 'approved' AND NEW.`show_public` = 1 AND NEW.`organisation_group` IS NOT NULL BEGIN
  INSERT INTO `letter_organisation_counts` (`letter_id`, `organisation_group`, `organisation_id`, `label`, `listed`)
  VALUES (NEW.`letter_id`, NEW.`organisation_group`, NEW.`organisation_id`, NEW.`organisation_text`, 1)
  ON CONFLICT (`letter_id`, `organisation_group`) DO UPDATE SET `listed` = `listed` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_org_count_delete` AFTER DELETE ON `signatures`
WHEN OLD.`state` = 'approved' AND OLD.`show_public` = 1 AND OLD.`organisation_group` IS NOT NULL BEGIN
  UPDATE `letter_organisation_counts` SET `listed` = `listed` - 1
  WHERE `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group`;
  DELETE FROM `letter_organisation_counts`
  WHERE `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group` AND `listed` <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_org_count_update` AFTER UPDATE OF `state`, `show_public`, `letter_id`, `organisation_id`, `organisation_key` ON `signatures`
WHEN (OLD.`state` = 'approved' AND OLD.`show_public` = 1) IS NOT (NEW.`state` = 'approved' AND NEW.`show_public` = 1)
  OR (NEW.`state` = 'approved' AND NEW.`show_public` = 1
      AND (OLD.`letter_id` IS NOT NEW.`letter_id` OR OLD.`organisation_group` IS NOT NEW.`organisation_group`)) BEGIN
  UPDATE `letter_organisation_counts` SET `listed` = `listed` - 1
  WHERE OLD.`state` = 'approved' AND OLD.`show_public` = 1
    AND `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group`;
  DELETE FROM `letter_organisation_counts`
  WHERE `letter_id` = OLD.`letter_id` AND `organisation_group` = OLD.`organisation_group` AND `listed` <= 0;
  INSERT INTO `letter_organisation_counts` (`letter_id`, `organisation_group`, `organisation_id`, `label`, `listed`)
  SELECT NEW.`letter_id`, NEW.`organisation_group`, NEW.`organisation_id`, NEW.`organisation_text`, 1
  WHERE NEW.`state` = 'approved' AND NEW.`show_public` = 1 AND NEW.`organisation_group` IS NOT NULL
  ON CONFLICT (`letter_id`, `organisation_group`) DO UPDATE SET `listed` = `listed` + 1;
END;
