DROP INDEX "signatures_public_list_idx";--> statement-breakpoint
DROP INDEX "signatures_public_group_idx";--> statement-breakpoint
DROP INDEX "signatures_featured_idx";--> statement-breakpoint
ALTER TABLE "signatures" ADD COLUMN "listed" boolean GENERATED ALWAYS AS (state = 'approved' AND show_public) STORED;--> statement-breakpoint
CREATE INDEX "signatures_public_list_idx" ON "signatures" USING btree ("letter_id","id") WHERE listed;--> statement-breakpoint
CREATE INDEX "signatures_public_group_idx" ON "signatures" USING btree ("letter_id","organisation_group","id") WHERE listed;--> statement-breakpoint
CREATE INDEX "signatures_featured_idx" ON "signatures" USING btree ("letter_id","id") WHERE listed AND featured;