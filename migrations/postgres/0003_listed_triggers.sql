-- The triggers of 0001 that spelled out "on the public list" (approved and shown) read
-- signatures.listed (0002) instead, as SQLite's migration 0010 did there, so the rule has one
-- definition. Events, columns and statements are otherwise as before; the migration's
-- transaction drops and creates them together, so no write ever finds a trigger missing.
-- (AFTER triggers see the stored generated column's new value.)
DROP FUNCTION signature_count_change(integer, text, boolean, integer);
--> statement-breakpoint
CREATE FUNCTION signature_count_change(p_letter integer, p_state text, p_listed boolean, p_sign integer) RETURNS void LANGUAGE sql AS $$
  UPDATE letters SET
    count_unconfirmed = count_unconfirmed + p_sign * (p_state = 'unconfirmed')::integer,
    count_pending = count_pending + p_sign * (p_state = 'pending')::integer,
    count_approved = count_approved + p_sign * (p_state = 'approved')::integer,
    count_rejected = count_rejected + p_sign * (p_state = 'rejected')::integer,
    count_withdrawn = count_withdrawn + p_sign * (p_state = 'withdrawn')::integer,
    count_listed = count_listed + p_sign * p_listed::integer
  WHERE id = p_letter;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION signatures_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM signature_count_change(OLD.letter_id, OLD.state, OLD.listed, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM signature_count_change(NEW.letter_id, NEW.state, NEW.listed, 1); END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION signatures_org_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.listed AND OLD.organisation_group IS NOT NULL THEN
    UPDATE letter_organisation_counts SET listed = listed - 1
    WHERE letter_id = OLD.letter_id AND organisation_group = OLD.organisation_group;
    DELETE FROM letter_organisation_counts
    WHERE letter_id = OLD.letter_id AND organisation_group = OLD.organisation_group AND listed <= 0;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.listed AND NEW.organisation_group IS NOT NULL THEN
    INSERT INTO letter_organisation_counts (letter_id, organisation_group, organisation_id, label, listed)
    VALUES (NEW.letter_id, NEW.organisation_group, NEW.organisation_id, NEW.organisation_text, 1)
    ON CONFLICT (letter_id, organisation_group) DO UPDATE SET listed = letter_organisation_counts.listed + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER signatures_org_count_insert ON signatures;
--> statement-breakpoint
DROP TRIGGER signatures_org_count_delete ON signatures;
--> statement-breakpoint
DROP TRIGGER signatures_org_count_update ON signatures;
--> statement-breakpoint
DROP TRIGGER signatures_public_revision_insert ON signatures;
--> statement-breakpoint
DROP TRIGGER signatures_public_revision_delete ON signatures;
--> statement-breakpoint
DROP TRIGGER signatures_public_revision_update ON signatures;
--> statement-breakpoint
CREATE TRIGGER signatures_org_count_insert AFTER INSERT ON signatures FOR EACH ROW
WHEN (NEW.listed AND NEW.organisation_group IS NOT NULL)
EXECUTE FUNCTION signatures_org_counts();
--> statement-breakpoint
CREATE TRIGGER signatures_org_count_delete AFTER DELETE ON signatures FOR EACH ROW
WHEN (OLD.listed AND OLD.organisation_group IS NOT NULL)
EXECUTE FUNCTION signatures_org_counts();
--> statement-breakpoint
-- listed is computed from state and show_public: an UPDATE OF those columns is what can change it.
CREATE TRIGGER signatures_org_count_update AFTER UPDATE OF state, show_public, letter_id, organisation_id, organisation_key ON signatures FOR EACH ROW
WHEN (OLD.listed IS DISTINCT FROM NEW.listed
  OR (NEW.listed AND (OLD.letter_id IS DISTINCT FROM NEW.letter_id OR OLD.organisation_group IS DISTINCT FROM NEW.organisation_group)))
EXECUTE FUNCTION signatures_org_counts();
--> statement-breakpoint
CREATE TRIGGER signatures_public_revision_insert AFTER INSERT ON signatures FOR EACH ROW
WHEN (NEW.listed)
EXECUTE FUNCTION signatures_public_revision();
--> statement-breakpoint
CREATE TRIGGER signatures_public_revision_delete AFTER DELETE ON signatures FOR EACH ROW
WHEN (OLD.listed)
EXECUTE FUNCTION signatures_public_revision();
--> statement-breakpoint
CREATE TRIGGER signatures_public_revision_update AFTER UPDATE OF state, show_public, letter_id, name, title,
  organisation_text, organisation_id, email_domain, affiliation_verified, featured, signed_at ON signatures FOR EACH ROW
WHEN (OLD.listed OR NEW.listed)
EXECUTE FUNCTION signatures_public_revision();
