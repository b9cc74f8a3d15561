/** Fictional people and organisations for development and benchmark data. */
export const FIRST_NAMES = [
  'Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia',
  'Whitfield', 'Shafi', 'Tim', 'Hedy', 'Vint', 'Joan', 'Niklaus', 'Sophie', 'Yukihiro', 'Anita', 'Guido', 'Mary',
  'Bjarne', 'Adele', 'Donald', 'Jean', 'Leslie', 'Karen', 'Satoshi', 'Ayesha', 'Chinedu', 'Mei', 'Oleksandr', 'Priya',
  'Mateo', 'Ingrid', 'Kwame', 'Lucía', 'Zoë', 'Björn', 'Nguyễn', 'Fatima', 'José', 'Aroha', 'Søren', 'Amara',
] as const;

export const LAST_NAMES = [
  'Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra',
  'Perlman', 'Diffie', 'Goldwasser', 'Berners-Lee', 'Lamarr', 'Cerf', 'Clarke', 'Wirth', 'Wilson', 'Matsumoto', 'Borg',
  'van Rossum', 'Keller', 'Stroustrup', 'Goldberg', 'Knuth', 'Sammet', 'Lamport', 'Spärck Jones', 'Okafor', 'Chen',
  'Kovalenko', 'Raman', 'García', 'Larsen', 'Mensah', 'Fernández', 'Müller', 'Andersson', 'Trần', 'Haddad', 'Silva',
  "O'Connor", 'Ngata', 'Kierkegaard', 'Eze', 'Al-Sayed',
] as const;

export const ROLES = [
  'Security Researcher', 'Principal Engineer', 'Maintainer', 'Professor of Computer Science', 'CTO', 'Staff Engineer',
  'Penetration Tester', 'PhD Student', 'Head of Product Security', 'Cryptographer', 'Independent Researcher', '',
] as const;

/** Names, aliases people type, and the domain their staff mail from. All fictional. */
export const ORGANISATIONS: ReadonlyArray<{ name: string; aliases: string[]; domain: string }> = [
  { name: 'Northwind Silicon', aliases: ['Northwind Silicon Inc.', 'NW Silicon'], domain: 'northwind-silicon.example' },
  { name: 'Bluefin Security', aliases: ['Bluefin Sec', 'Bluefin Security Ltd'], domain: 'bluefin.example' },
  { name: 'Harbour Open Source Foundation', aliases: ['HOSF'], domain: 'hosf.example' },
  { name: 'Quillfeather Labs', aliases: ['Quillfeather'], domain: 'quillfeather.example' },
  { name: 'University of Westmarch', aliases: ['Westmarch University', 'UoW'], domain: 'westmarch.ac.example' },
  { name: 'Cinderpath Networks', aliases: ['Cinderpath'], domain: 'cinderpath.example' },
  { name: 'Ostrava Institute of Technology', aliases: ['OIT'], domain: 'oit.example' },
  { name: 'Lumen Compiler Collective', aliases: ['Lumen'], domain: 'lumen.example' },
  { name: 'Redwater Cloud', aliases: ['Redwater Cloud GmbH'], domain: 'redwater.example' },
  { name: 'Tessellate AI', aliases: ['Tessellate'], domain: 'tessellate.example' },
  { name: 'Kestrel Fuzzing Group', aliases: ['Kestrel'], domain: 'kestrel.example' },
  { name: 'Meridian Hospital Trust', aliases: ['Meridian NHS Trust'], domain: 'meridian-health.example' },
];

export const FREEMAIL_DOMAINS = ['mail.example', 'inbox.example', 'post.example'] as const;

export const COMMENTS = [
  '', '', '', 'Defenders need the same tools attackers already have.', 'I maintain a parser used by millions; this rule would slow every fix.',
  'Please talk to practitioners first.', 'Signed in a personal capacity.', 'Coordinated disclosure depends on sharing analysis across borders.',
] as const;
