-- Data for 0007. A letter closed by hand before closed_at existed: its last change stands in for
-- its closing time, as closedSince() used until now (never earlier than the real closing).
UPDATE `letters` SET `closed_at` = `updated_at` WHERE `status` = 'closed' AND `closed_at` IS NULL;
--> statement-breakpoint
-- Address keys in their canonical form (server/signatures/email-address.ts, emailKeyOf): a "+tag"
-- dropped from the local part, and for gmail.com and googlemail.com the dots dropped and the
-- domain gmail.com. Keys are already lower-cased and punycoded; erased rows ('erased:<id>') have
-- no "@" and stay. Where two rows of one letter would share a key, both keep the key they had
-- (neither is merged into the other or lost); erasure by address finds them under the old key too.
CREATE TABLE `_canonical_email_keys` AS
SELECT `id`, `letter_id`, `email_key`,
  CASE WHEN `domain` IN ('gmail.com', 'googlemail.com') THEN replace(`mailbox`, '.', '') || '@gmail.com' ELSE `mailbox` || '@' || `domain` END AS `canonical`
FROM (
  SELECT `id`, `letter_id`, `email_key`, `domain`,
    CASE WHEN instr(`local`, '+') > 1 THEN substr(`local`, 1, instr(`local`, '+') - 1) ELSE `local` END AS `mailbox`
  FROM (
    SELECT `id`, `letter_id`, `email_key`,
      substr(`email_key`, 1, instr(`email_key`, '@') - 1) AS `local`,
      substr(`email_key`, instr(`email_key`, '@') + 1) AS `domain`
    FROM `signatures` WHERE instr(`email_key`, '@') > 1
  )
);
--> statement-breakpoint
UPDATE `signatures`
SET `email_key` = (SELECT `canonical` FROM `_canonical_email_keys` AS `c` WHERE `c`.`id` = `signatures`.`id`)
WHERE `id` IN (
  SELECT `c`.`id` FROM `_canonical_email_keys` AS `c`
  WHERE `c`.`canonical` <> `c`.`email_key`
    AND NOT EXISTS (
      SELECT 1 FROM `_canonical_email_keys` AS `other`
      WHERE `other`.`letter_id` = `c`.`letter_id` AND `other`.`canonical` = `c`.`canonical` AND `other`.`id` <> `c`.`id`
    )
);
--> statement-breakpoint
DROP TABLE `_canonical_email_keys`;
