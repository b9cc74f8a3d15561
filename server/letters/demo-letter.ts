import type { Database, Tx } from '../db/database.js';
import type { LetterRow } from './table.js';
import { countLetters, selectLetterById } from './repo.js';
import { createLetter, type NewLetter } from './publish-version.js';
import { DEMO_TRANSLATIONS } from './demo-translations.js';
import { publishTranslation } from './translations.js';

/** An original demo letter; the organisations it names are fictional. */
export const DEMO_LETTER: NewLetter = {
  slug: 'keep-defensive-ai-open',
  title: 'Let defenders keep their tools: reconsider export controls on vulnerability-finding AI',
  summary:
    'Security researchers and engineers ask the Ministry of Trade to exempt AI models that find and help fix software flaws from the proposed export licensing regime.',
  status: 'open',
  moderation: 'pre',
  body: `To the Minister for Trade and the members of the Export Control Review Board,

We are security researchers, maintainers of open-source software, and engineers who spend our working
lives finding and fixing the flaws that attackers would otherwise use. We write about the draft rule
that would place AI models able to *analyse code for vulnerabilities* under the same licensing regime
as intrusion software.

## What the draft rule would do

As written, any model that can locate a memory-safety bug, suggest a patch, or explain why a piece of
code is exploitable would need an export licence before it could be published, shared with a
colleague abroad, or used by a maintainer in another country. The definition does not distinguish
between a tool that *builds* attacks and one that *finds and repairs* weaknesses.

## Why this would leave everyone less safe

1. **Defence is collaborative and global.** The libraries inside every phone, hospital and power
   grid are maintained by volunteers in dozens of countries. A licence requirement stops a fix
   from crossing a border as quickly as the bug does.
2. **Attackers will not ask for a licence.** Capable adversaries already have their own tools. The
   rule would slow down the people who report and repair flaws, not those who exploit them.
3. **Small teams cannot carry the compliance cost.** Large vendors can afford export counsel;
   the two-person project that ships a widely used compression library cannot.
4. **Coordinated disclosure depends on sharing.** Reproducing a bug, testing a patch and
   confirming a fix often means sharing analysis output across organisations and jurisdictions.

## What we ask

- Exempt models and tools whose primary purpose is finding, triaging or fixing vulnerabilities,
  following the defensive-research exemptions that already exist for intrusion software.
- Publish a technical definition, open for public comment, before any rule takes effect.
- Convene practitioners — including open-source maintainers and independent researchers — in the
  review board's consultation.

We share the goal of keeping dangerous capabilities out of the wrong hands. We ask that the rule be
written so that the people defending shared infrastructure can keep doing their work.

*Signed in a personal capacity; affiliations are listed for identification only.*
`,
};

/** In development an empty database gets the demo letter, so a fresh clone has something to sign. */
export async function seedDemoLetterIfEmpty(db: Database, now: Date): Promise<boolean> {
  return db.write(async (tx) => {
    if ((await countLetters(tx)) > 0) return false;
    await createDemoLetter(tx, DEMO_LETTER, now);
    return true;
  });
}

/** The demo letter (with `overrides`) and its French and German translations; call inside a write. */
export async function createDemoLetter(tx: Tx, letter: NewLetter, now: Date): Promise<LetterRow> {
  const created = await createLetter(tx, letter, now);
  // Each translation is read against the letter as the one before left it (its map of versions).
  for (const [lang, text] of Object.entries(DEMO_TRANSLATIONS)) await publishTranslation(tx, (await selectLetterById(tx, created.id)) ?? created, lang, text, now);
  return (await selectLetterById(tx, created.id)) ?? created;
}
