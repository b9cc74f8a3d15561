-- Per-letter counts by state, kept by the database in the same transaction as every change to a
-- signature, so no code path can forget them and public pages never COUNT(*) over signatures.
CREATE TRIGGER `signatures_count_insert` AFTER INSERT ON `signatures` BEGIN
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` + (NEW.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` + (NEW.`state` = 'pending'),
    `count_approved` = `count_approved` + (NEW.`state` = 'approved'),
    `count_rejected` = `count_rejected` + (NEW.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` + (NEW.`state` = 'withdrawn'),
    `count_listed` = `count_listed` + (NEW.`state` = 'approved' AND NEW.`show_public` = 1)
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
    `count_listed` = `count_listed` - (OLD.`state` = 'approved' AND OLD.`show_public` = 1)
  WHERE `id` = OLD.`letter_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `signatures_count_update` AFTER UPDATE OF `state`, `show_public`, `letter_id` ON `signatures`
WHEN OLD.`state` IS NOT NEW.`state` OR OLD.`show_public` IS NOT NEW.`show_public` OR OLD.`letter_id` IS NOT NEW.`letter_id` BEGIN
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` - (OLD.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` - (OLD.`state` = 'pending'),
    `count_approved` = `count_approved` - (OLD.`state` = 'approved'),
    `count_rejected` = `count_rejected` - (OLD.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` - (OLD.`state` = 'withdrawn'),
    `count_listed` = `count_listed` - (OLD.`state` = 'approved' AND OLD.`show_public` = 1)
  WHERE `id` = OLD.`letter_id`;
  UPDATE `letters` SET
    `count_unconfirmed` = `count_unconfirmed` + (NEW.`state` = 'unconfirmed'),
    `count_pending` = `count_pending` + (NEW.`state` = 'pending'),
    `count_approved` = `count_approved` + (NEW.`state` = 'approved'),
    `count_rejected` = `count_rejected` + (NEW.`state` = 'rejected'),
    `count_withdrawn` = `count_withdrawn` + (NEW.`state` = 'withdrawn'),
    `count_listed` = `count_listed` + (NEW.`state` = 'approved' AND NEW.`show_public` = 1)
  WHERE `id` = NEW.`letter_id`;
END;
