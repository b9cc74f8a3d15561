-- The kept counts, organisation breakdown and public page revision, as SQLite's triggers keep
-- them (migrations 0001, 0003, 0004, 0007 there), in PL/pgSQL. Under READ COMMITTED each change
-- adds to a row as it is once its lock is granted, so concurrent writers never lose a count.

-- letters' count per state, and of listed signatures (approved and shown), for one signature's state.
CREATE FUNCTION signature_count_change(p_letter integer, p_state text, p_public boolean, p_sign integer) RETURNS void LANGUAGE sql AS $$
  UPDATE letters SET
    count_unconfirmed = count_unconfirmed + p_sign * (p_state = 'unconfirmed')::integer,
    count_pending = count_pending + p_sign * (p_state = 'pending')::integer,
    count_approved = count_approved + p_sign * (p_state = 'approved')::integer,
    count_rejected = count_rejected + p_sign * (p_state = 'rejected')::integer,
    count_withdrawn = count_withdrawn + p_sign * (p_state = 'withdrawn')::integer,
    count_listed = count_listed + p_sign * (p_state = 'approved' AND p_public)::integer
  WHERE id = p_letter;
$$;
--> statement-breakpoint
CREATE FUNCTION signatures_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM signature_count_change(OLD.letter_id, OLD.state, OLD.show_public, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM signature_count_change(NEW.letter_id, NEW.state, NEW.show_public, 1); END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER signatures_count_insert AFTER INSERT ON signatures FOR EACH ROW EXECUTE FUNCTION signatures_counts();
--> statement-breakpoint
CREATE TRIGGER signatures_count_delete AFTER DELETE ON signatures FOR EACH ROW EXECUTE FUNCTION signatures_counts();
--> statement-breakpoint
CREATE TRIGGER signatures_count_update AFTER UPDATE OF state, show_public, letter_id ON signatures FOR EACH ROW
WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.show_public IS DISTINCT FROM NEW.show_public OR OLD.letter_id IS DISTINCT FROM NEW.letter_id)
EXECUTE FUNCTION signatures_counts();
--> statement-breakpoint
-- The breakdown of listed signatures by organisation group, per letter; a group whose count falls
-- to nothing goes.
CREATE FUNCTION signatures_org_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'approved' AND OLD.show_public AND OLD.organisation_group IS NOT NULL THEN
    UPDATE letter_organisation_counts SET listed = listed - 1
    WHERE letter_id = OLD.letter_id AND organisation_group = OLD.organisation_group;
    DELETE FROM letter_organisation_counts
    WHERE letter_id = OLD.letter_id AND organisation_group = OLD.organisation_group AND listed <= 0;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.state = 'approved' AND NEW.show_public AND NEW.organisation_group IS NOT NULL THEN
    INSERT INTO letter_organisation_counts (letter_id, organisation_group, organisation_id, label, listed)
    VALUES (NEW.letter_id, NEW.organisation_group, NEW.organisation_id, NEW.organisation_text, 1)
    ON CONFLICT (letter_id, organisation_group) DO UPDATE SET listed = letter_organisation_counts.listed + 1;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER signatures_org_count_insert AFTER INSERT ON signatures FOR EACH ROW
WHEN (NEW.state = 'approved' AND NEW.show_public AND NEW.organisation_group IS NOT NULL)
EXECUTE FUNCTION signatures_org_counts();
--> statement-breakpoint
CREATE TRIGGER signatures_org_count_delete AFTER DELETE ON signatures FOR EACH ROW
WHEN (OLD.state = 'approved' AND OLD.show_public AND OLD.organisation_group IS NOT NULL)
EXECUTE FUNCTION signatures_org_counts();
--> statement-breakpoint
CREATE TRIGGER signatures_org_count_update AFTER UPDATE OF state, show_public, letter_id, organisation_id, organisation_key ON signatures FOR EACH ROW
WHEN ((OLD.state = 'approved' AND OLD.show_public) IS DISTINCT FROM (NEW.state = 'approved' AND NEW.show_public)
  OR (NEW.state = 'approved' AND NEW.show_public AND (OLD.letter_id IS DISTINCT FROM NEW.letter_id OR OLD.organisation_group IS DISTINCT FROM NEW.organisation_group)))
EXECUTE FUNCTION signatures_org_counts();
--> statement-breakpoint
-- Public pages are kept per letter until its revision moves: a listed signature changing moves its
-- letter's; a change of what every page shows of organisations moves every letter's.
CREATE FUNCTION signatures_public_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE letters SET public_revision = public_revision + 1 WHERE id = NEW.letter_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE letters SET public_revision = public_revision + 1 WHERE id = OLD.letter_id;
  ELSE
    UPDATE letters SET public_revision = public_revision + 1 WHERE id IN (OLD.letter_id, NEW.letter_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER signatures_public_revision_insert AFTER INSERT ON signatures FOR EACH ROW
WHEN (NEW.state = 'approved' AND NEW.show_public)
EXECUTE FUNCTION signatures_public_revision();
--> statement-breakpoint
CREATE TRIGGER signatures_public_revision_delete AFTER DELETE ON signatures FOR EACH ROW
WHEN (OLD.state = 'approved' AND OLD.show_public)
EXECUTE FUNCTION signatures_public_revision();
--> statement-breakpoint
CREATE TRIGGER signatures_public_revision_update AFTER UPDATE OF state, show_public, letter_id, name, title,
  organisation_text, organisation_id, email_domain, affiliation_verified, featured, signed_at ON signatures FOR EACH ROW
WHEN ((OLD.state = 'approved' AND OLD.show_public) OR (NEW.state = 'approved' AND NEW.show_public))
EXECUTE FUNCTION signatures_public_revision();
--> statement-breakpoint
CREATE FUNCTION every_public_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE letters SET public_revision = public_revision + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER organisations_public_revision_update AFTER UPDATE OF name ON organisations FOR EACH ROW EXECUTE FUNCTION every_public_revision();
--> statement-breakpoint
CREATE TRIGGER organisation_domains_public_revision_insert AFTER INSERT ON organisation_domains FOR EACH ROW EXECUTE FUNCTION every_public_revision();
--> statement-breakpoint
CREATE TRIGGER organisation_domains_public_revision_delete AFTER DELETE ON organisation_domains FOR EACH ROW EXECUTE FUNCTION every_public_revision();
--> statement-breakpoint
CREATE TRIGGER organisation_domains_public_revision_update AFTER UPDATE ON organisation_domains FOR EACH ROW EXECUTE FUNCTION every_public_revision();
