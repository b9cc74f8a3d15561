/**
 * Public mail services that the maintained lists miss (free-email-domains-list for webmail and
 * free providers, mailchecker for throwaway services and relays such as Firefox Relay,
 * SimpleLogin and addy.io): privacy-minded and community providers where anyone can open an
 * address. Checked against both packages when added; drop an entry once either package has it.
 * Each one has its case in test/organisations/verified-domains.test.ts.
 */
export const SUPPLEMENTARY_MAIL_SERVICES: ReadonlySet<string> = new Set([
  'tuta.com', // Tuta (formerly Tutanota); its older domains are in free-email-domains-list
  'mailbox.org',
  'disroot.org',
  'riseup.net',
  'zohomail.eu',
  'zohomail.com',
  'systemli.org',
  'autistici.org',
  'startmail.com',
  'kolabnow.com',
]);
