/**
 * `npm run deps:check`: lists outdated packages (`npm outdated`), then runs `npm audit` on every
 * dependency (the test servers included). Exits non-zero only when the audit ran and found advisories: where the
 * registry or the advisory service cannot be reached (as from the build machines), it says so and
 * passes, and the advisories are checked by hand as SECURITY.md ("Dependencies") describes.
 */
import { spawnSync } from 'node:child_process';

const npm = (args) => spawnSync('npm', args, { encoding: 'utf8', shell: process.platform === 'win32' });

/** JSON that npm printed, or undefined when it printed none (it failed before answering). */
function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

console.log('# Outdated packages (npm outdated)');
// npm outdated exits 1 whenever something is outdated, so its status says nothing: what it
// printed does. Without a registry it prints an error (or nothing at all), never an empty list.
const outdated = parsed(npm(['outdated', '--long', '--json']).stdout);
if (!outdated || typeof outdated !== 'object' || outdated.error) {
  const reason = outdated?.error?.summary ?? 'npm outdated gave no answer';
  console.log(`npm outdated could not reach the registry (${reason}): nothing is known about newer releases.`);
} else if (Object.keys(outdated).length === 0) {
  console.log('Every package is at the newest version its range allows and at the latest release.');
} else {
  const rows = [['package', 'current', 'wanted', 'latest', 'type'], ...Object.entries(outdated).map(([name, it]) => [name, it.current ?? '-', it.wanted, it.latest, it.type ?? ''])];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ').trimEnd());
}

console.log('\n# Advisories (npm audit, every dependency: the test servers too)');
const audit = npm(['audit', '--json']);
const report = parsed(audit.stdout);
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
