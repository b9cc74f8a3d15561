CREATE TABLE "letter_deliveries" (
	"letter_id" integer PRIMARY KEY NOT NULL,
	"recipient" text NOT NULL,
	"delivered_on" text NOT NULL,
	"delivery_note" text DEFAULT '' NOT NULL,
	"delivery_link" text DEFAULT '' NOT NULL,
	"response_on" text DEFAULT '' NOT NULL,
	"response_text" text DEFAULT '' NOT NULL,
	"response_link" text DEFAULT '' NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "letter_deliveries" ADD CONSTRAINT "letter_deliveries_letter_id_letters_id_fk" FOREIGN KEY ("letter_id") REFERENCES "public"."letters"("id") ON DELETE cascade ON UPDATE no action;