import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.js';
import { runTsProcess, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { CHROMIUM, ensureTool, JAVA, playwrightChromium, type SystemFacts, type Tool } from './tools.js';

/**
 * The set-up's finder as a child process, with nothing of this machine's environment but what
 * is given: an empty HOME unless one is given, and PATH only as given (an empty folder by default).
 */
const findInChild = (tool: 'chromium' | 'java', env: Record<string, string> = {}): Promise<CliResult> =>
  runTsProcess('test/setup/find-tool.ts', [tool], { HOME: tempDir('home-'), PATH: tempDir('empty-bin-'), UNDERSIGNED_INSTALL_TOOLS: 'no', ...env });

/** A link at `path` to a real program: a PATH entry, a cache or a JAVA_HOME as another machine would have it. */
function link(target: string, path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
  return path;
}
const linkChromium = (path: string): string => link(chromiumPath(), path);

const DEBIAN_ROOT: SystemFacts = { isRoot: true, osIds: ['debian'], aptGet: '/usr/bin/apt-get' };
const labels = (tool: Tool, facts: SystemFacts) => tool.installSteps(facts).map((step) => step.label);

describe('finding Chromium', { timeout: 60_000 }, () => {
  it('when CHROMIUM_PATH names a browser, then it wins over one on the PATH', async () => {
    const bin = tempDir('bin-');
    linkChromium(join(bin, 'chromium'));
    const named = linkChromium(join(tempDir('named-'), 'my-chrome'));
    expect(await findInChild('chromium', { PATH: bin, CHROMIUM_PATH: named })).toEqual({ code: 0, stdout: `${named}\tCHROMIUM_PATH\n`, stderr: '' });
  });

  it('when CHROMIUM_PATH names no program, then one line says so and nothing else is tried', async () => {
    const bin = tempDir('bin-');
    linkChromium(join(bin, 'chromium'));
    const result = await findInChild('chromium', { PATH: bin, CHROMIUM_PATH: '/nowhere/chrome' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^CHROMIUM_PATH names \/nowhere\/chrome, which is not an executable file: install Chromium or Chrome .*\n$/);
  });

  it('when a Chromium is on the PATH, then it is found there, under any of its usual names', async () => {
    const bin = tempDir('bin-');
    const browser = linkChromium(join(bin, 'google-chrome-stable'));
    expect(await findInChild('chromium', { PATH: `${tempDir('empty-')}:${bin}` })).toEqual({ code: 0, stdout: `${browser}\tthe PATH\n`, stderr: '' });
  });

  it("when only Playwright's cache has one, then it is found there", async () => {
    const home = tempDir('home-');
    const cached = linkChromium(playwrightChromium({ HOME: home }));
    expect(cached.startsWith(join(home, '.cache', 'ms-playwright'))).toBe(true);
    expect(await findInChild('chromium', { HOME: home })).toEqual({ code: 0, stdout: `${cached}\tPlaywright's cache\n`, stderr: '' });
  });

  it('when there is none and installing is off, then the set-up stops with one line saying what to install', async () => {
    const result = await findInChild('chromium');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'No Chromium found for the browser tests (installing is off: UNDERSIGNED_INSTALL_TOOLS=no): install Chromium or Chrome (Debian/Ubuntu: apt-get install chromium; elsewhere: npx playwright-core install chromium) or set CHROMIUM_PATH to one.\n',
    );
  });

  it("when there is none, then Playwright's installer is tried first, then Debian's package as root on Debian or Ubuntu, and nothing else", () => {
    expect(labels(CHROMIUM, DEBIAN_ROOT)).toEqual(['playwright-core install chromium', 'apt-get update', 'apt-get install -y chromium']);
    expect(labels(CHROMIUM, { ...DEBIAN_ROOT, osIds: ['ubuntu', 'debian'] })).toEqual(['playwright-core install chromium', 'apt-get update', 'apt-get install -y chromium']);
    expect(labels(CHROMIUM, { ...DEBIAN_ROOT, isRoot: false })).toEqual(['playwright-core install chromium']);
    expect(labels(CHROMIUM, { ...DEBIAN_ROOT, osIds: ['fedora'] })).toEqual(['playwright-core install chromium']);
    expect(labels(CHROMIUM, { ...DEBIAN_ROOT, aptGet: undefined })).toEqual(['playwright-core install chromium']);
  });

  it('when an installer fails, then the next one runs, and the tool is looked for again after each', () => {
    const bin = tempDir('bin-');
    const logged: string[] = [];
    const installers: Tool = {
      ...CHROMIUM,
      installSteps: () => [
        // As Playwright's installer fails without its servers: the error, a stack, the object's fields, a summary.
        { label: 'a failing installer', command: process.execPath, args: ['-e', "console.error('Downloading…\\nError: getaddrinfo ENOTFOUND cdn.example\\n    at lookup (dns:1:1) {\\n  errno: -3008\\n}\\nFailed to install'); process.exit(3)"] },
        { label: 'an installer that links Chromium', command: process.execPath, args: ['-e', `require('node:fs').symlinkSync(${JSON.stringify(chromiumPath())}, ${JSON.stringify(join(bin, 'chromium'))})`] },
      ],
    };
    const found = ensureTool(installers, { PATH: bin, HOME: tempDir('home-') }, { install: true, log: (line) => logged.push(line) });
    expect(found).toEqual({ path: join(bin, 'chromium'), source: 'the PATH, installed by an installer that links Chromium' });
    expect(logged).toEqual([
      'Chromium is missing (needed for the browser tests): running a failing installer…',
      'a failing installer failed: Error: getaddrinfo ENOTFOUND cdn.example',
      'Chromium is missing (needed for the browser tests): running an installer that links Chromium…',
    ]);
  });

  it('when every installer fails, then the one line names what was tried', () => {
    const failing: Tool = { ...CHROMIUM, installSteps: () => [{ label: 'apt-get install -y chromium', command: process.execPath, args: ['-e', 'process.exit(100)'] }] };
    expect(() => ensureTool(failing, { PATH: tempDir('empty-bin-'), HOME: tempDir('home-') }, { install: true, log: () => {} })).toThrow(
      /^No Chromium found for the browser tests \(tried: apt-get install -y chromium\): install Chromium or Chrome/,
    );
  });
});

describe('finding Java for the Nu HTML Checker', { timeout: 60_000 }, () => {
  it('when java is on the PATH, then it is found there; JAVA_HOME wins over it', async () => {
    const java = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
    expect(java).not.toBe('');
    expect(await findInChild('java', { PATH: dirname(java) })).toEqual({ code: 0, stdout: `${java}\tthe PATH\n`, stderr: '' });
    const home = tempDir('jdk-');
    link(java, join(home, 'bin', 'java'));
    expect(await findInChild('java', { PATH: dirname(java), JAVA_HOME: home })).toEqual({ code: 0, stdout: `${join(home, 'bin', 'java')}\tJAVA_HOME\n`, stderr: '' });
  });

  it('when there is none and installing is off, then the set-up stops with one line saying what to install', async () => {
    const result = await findInChild('java');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'No Java found for the Nu HTML Checker, vnu-jar (installing is off: UNDERSIGNED_INSTALL_TOOLS=no): install a Java runtime, 11 or newer (Debian/Ubuntu: apt-get install default-jre-headless) or set JAVA_HOME to one.\n',
    );
  });

  it("when there is none, then Debian's default-jre-headless is installed as root on Debian or Ubuntu, and nothing is tried elsewhere", () => {
    expect(labels(JAVA, DEBIAN_ROOT)).toEqual(['apt-get update', 'apt-get install -y default-jre-headless']);
    expect(labels(JAVA, { ...DEBIAN_ROOT, isRoot: false })).toEqual([]);
    expect(labels(JAVA, { ...DEBIAN_ROOT, osIds: ['arch'] })).toEqual([]);
  });
});
