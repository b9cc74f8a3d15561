/**
 * `npm run deps:check`: lists outdated packages (`npm outdated`), then runs `npm audit` on every
 * dependency (the test servers included). Exits non-zero only when the audit ran and found advisories: where the
 * advisory service cannot be reached (as from the build machines), it says so and passes, and
 * the advisories are checked by hand as SECURITY.md ("Dependencies") describes.
 */
import { spawnSync } from 'node:child_process';

const npm = (args) => spawnSync('npm', args, { encoding: 'utf8', shell: process.platform === 'win32' });

console.log('# Outdated packages (npm outdated)');
const outdated = npm(['outdated', '--long']);
// npm outdated exits 1 whenever something is outdated: that is a list to read, not a failure.
console.log(outdated.stdout.trim() || 'Every package is at the newest version its range allows and at the latest release.');

console.log('\n# Advisories (npm audit, every dependency: the test servers too)');
const audit = npm(['audit', '--json']);
let report;
try {
  report = JSON.parse(audit.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const reason = report?.message ?? report?.error?.summary ?? (audit.stderr.trim().split('\n').at(-1) || 'no answer');
  console.log(`npm audit could not reach the advisory service (${reason}).`);
  console.log('Nothing was checked automatically: review advisories by hand as SECURITY.md ("Dependencies") describes.');
  process.exit(0);
}
const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
if (total === 0) {
  console.log('No known advisories.');
  process.exit(0);
}
for (const [name, finding] of Object.entries(report.vulnerabilities ?? {})) {
  const via = finding.via.map((item) => (typeof item === 'string' ? item : `${item.title} (${item.url})`)).join('; ');
  console.log(`${finding.severity.padEnd(8)} ${name} ${finding.range}: ${via}`);
}
console.log(`${total} advisories (${Object.entries(counts).filter(([, n]) => n > 0).map(([level, n]) => `${n} ${level}`).join(', ')}).`);
process.exit(1);
