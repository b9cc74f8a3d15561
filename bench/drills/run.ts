/** `npm run drills [name…]`: failure drills against the built server; each prints one PASS/FAIL line. */
import { sameEmailDrill } from './same-email.js';
import { sigkillDrill } from './sigkill.js';
import { sigtermDrill } from './sigterm.js';
import { smtpDownDrill } from './smtp-down.js';

const DRILLS = { 'same-email': sameEmailDrill, sigterm: sigtermDrill, sigkill: sigkillDrill, 'smtp-down': smtpDownDrill } as const;
type Name = keyof typeof DRILLS;
const requested = process.argv.slice(2).filter((arg): arg is Name => arg in DRILLS);
let failed = 0;
for (const name of requested.length > 0 ? requested : (Object.keys(DRILLS) as Name[])) {
  if (!(await DRILLS[name]())) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
