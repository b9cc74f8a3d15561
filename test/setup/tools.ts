import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/**
 * Finds (or installs) the programs the browser and HTML tests drive: Chromium for playwright-core
 * and Java for the Nu HTML Checker. The order is the one a contributor expects: what they named,
 * what the system has, Playwright's own cache, then an install; failing that, one line that says
 * what to install, never a skipped test.
 */

export type Env = Record<string, string | undefined>;

export interface Found {
  path: string;
  /** Where it was found, for the set-up's one line of output. */
  source: string;
}

export interface InstallStep {
  /** How it reads in the output, e.g. "apt-get install -y chromium". */
  label: string;
  command: string;
  args: string[];
  env?: Env;
}

/** What decides whether and how a tool can be installed on this machine. */
export interface SystemFacts {
  isRoot: boolean;
  /** /etc/os-release ID and ID_LIKE, e.g. ["ubuntu", "debian"]. */
  osIds: string[];
  /** apt-get's path on the PATH, if any. */
  aptGet: string | undefined;
}

export interface Tool {
  name: string;
  /** Why the tests need it, for the failure line. */
  neededFor: string;
  /** A path the person named: wins over everything, and is never silently passed over. */
  fromEnv(env: Env): { variable: string; path: string } | undefined;
  /** Names to look for on the PATH, best first. */
  commands: readonly string[];
  /** Further places a previous install may have left it. */
  cached(env: Env): Found | undefined;
  /** How to install it on a machine like this, in the order to try; none where nothing would work. */
  installSteps(facts: SystemFacts): InstallStep[];
  /** What to do by hand, as the end of the failure line. */
  advice: string;
}

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The first `name` on the PATH, as `which` would find it. */
export function onPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const isDebianLike = (facts: SystemFacts): boolean => facts.osIds.some((id) => id === 'debian' || id === 'ubuntu');

/** The system's package, as root on Debian or Ubuntu (with its recommended packages: Chromium's bring its fonts). */
const aptInstall = (facts: SystemFacts, pkg: string): InstallStep[] =>
  facts.isRoot && isDebianLike(facts) && facts.aptGet
    ? [
        { label: 'apt-get update', command: facts.aptGet, args: ['update', '-qq'], env: { DEBIAN_FRONTEND: 'noninteractive' } },
        { label: `apt-get install -y ${pkg}`, command: facts.aptGet, args: ['install', '-y', '-qq', pkg], env: { DEBIAN_FRONTEND: 'noninteractive' } },
      ]
    : [];

const PLAYWRIGHT = dirname(createRequire(import.meta.url).resolve('playwright-core/package.json'));

/**
 * Where Playwright keeps the Chromium build that this playwright-core version drives, for the
 * HOME and PLAYWRIGHT_BROWSERS_PATH in `env` (read by playwright-core when it loads, hence a child).
 */
export function playwrightChromium(env: Env): string {
  const script = `process.stdout.write(require(${JSON.stringify(PLAYWRIGHT)}).chromium.executablePath())`;
  return spawnSync(process.execPath, ['-e', script], { env: env as NodeJS.ProcessEnv, encoding: 'utf8' }).stdout;
}

export const CHROMIUM: Tool = {
  name: 'Chromium',
  neededFor: 'the browser tests',
  fromEnv: (env) => (env.CHROMIUM_PATH ? { variable: 'CHROMIUM_PATH', path: env.CHROMIUM_PATH } : undefined),
  commands: ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'],
  cached(env) {
    const path = playwrightChromium(env);
    return path && isExecutableFile(path) ? { path, source: "Playwright's cache" } : undefined;
  },
  installSteps: (facts) => [
    { label: 'playwright-core install chromium', command: process.execPath, args: [join(PLAYWRIGHT, 'cli.js'), 'install', 'chromium'] },
    ...aptInstall(facts, 'chromium'),
  ],
  advice: 'install Chromium or Chrome (Debian/Ubuntu: apt-get install chromium; elsewhere: npx playwright-core install chromium) or set CHROMIUM_PATH to one',
};

export const JAVA: Tool = {
  name: 'Java',
  neededFor: 'the Nu HTML Checker, vnu-jar',
  fromEnv: (env) => (env.JAVA_HOME ? { variable: 'JAVA_HOME', path: join(env.JAVA_HOME, 'bin', 'java') } : undefined),
  commands: ['java'],
  cached: () => undefined,
  installSteps: (facts) => aptInstall(facts, 'default-jre-headless'),
  advice: 'install a Java runtime, 11 or newer (Debian/Ubuntu: apt-get install default-jre-headless) or set JAVA_HOME to one',
};

/** The tool where the person or the system has it, without installing anything. */
export function findTool(tool: Tool, env: Env): Found | undefined {
  const named = tool.fromEnv(env);
  if (named) {
    if (!isExecutableFile(named.path)) throw new ToolMissing(`${named.variable} names ${named.path}, which is not an executable file: ${tool.advice}`);
    return { path: named.path, source: named.variable };
  }
  for (const command of tool.commands) {
    const path = onPath(command, env);
    if (path) return { path, source: 'the PATH' };
  }
  return tool.cached(env);
}

export function systemFacts(env: Env): SystemFacts {
  let osIds: string[] = [];
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    osIds = [...release.matchAll(/^(?:ID|ID_LIKE)=(.*)$/gm)].flatMap((match) => (match[1] ?? '').replace(/"/g, '').split(/\s+/)).filter(Boolean);
  } catch {
    // Not Linux, or a system without os-release: nothing to install with.
  }
  return { isRoot: process.getuid?.() === 0, osIds, aptGet: onPath('apt-get', env) };
}

export class ToolMissing extends Error {
  override name = 'ToolMissing';
}

export interface EnsureOptions {
  /** When false, nothing is installed (UNDERSIGNED_INSTALL_TOOLS=no): the failure line says what to install. */
  install: boolean;
  /** Where progress goes: the first run says what it installs and why it takes a while. */
  log(line: string): void;
}

/** A download that has not finished in this long is not going to: the next installer gets its turn. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * Finds the tool, installing it when it is missing and this machine allows; throws ToolMissing
 * with one line otherwise. Installers run one after the other until the tool is found.
 */
export function ensureTool(tool: Tool, env: Env, options: EnsureOptions): Found {
  const found = findTool(tool, env);
  if (found) return found;
  const steps = options.install ? tool.installSteps(systemFacts(env)) : [];
  const tried: string[] = [];
  for (const step of steps) {
    options.log(`${tool.name} is missing (needed for ${tool.neededFor}): running ${step.label}…`);
    tried.push(step.label);
    const result = spawnSync(step.command, step.args, { env: { ...env, ...step.env } as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS });
    if (result.status !== 0) {
      options.log(`${step.label} failed: ${whyFailed(result.stderr || String(result.error ?? ''))}`);
      continue;
    }
    const installed = findTool(tool, env);
    if (installed) return { ...installed, source: `${installed.source}, installed by ${step.label}` };
  }
  const attempts = tried.length > 0 ? ` (tried: ${tried.join('; ')})` : options.install ? '' : ' (installing is off: UNDERSIGNED_INSTALL_TOOLS=no)';
  throw new ToolMissing(`No ${tool.name} found for ${tool.neededFor}${attempts}: ${tool.advice}.`);
}

/** The line of an installer's output that says why it failed: its first error, else its last words. */
function whyFailed(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /\w/.test(line) && !line.startsWith('at '));
  return lines.find((line) => /^(\w*Error:|E:)/.test(line)) ?? lines.at(-1) ?? 'no output';
}

/** Installing is on unless the person turned it off. */
export const installAllowed = (env: Env): boolean => env.UNDERSIGNED_INSTALL_TOOLS !== 'no';
