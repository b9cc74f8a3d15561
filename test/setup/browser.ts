import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../helpers/browser.js';
import { requireTool } from './require-tool.js';
import { CHROMIUM } from './tools.js';

/**
 * Global set-up of the browser lane: finds or installs Chromium and starts it once, so a browser
 * that is there but cannot run (a missing library, a broken install) stops the run with one line
 * before any test. Test files launch their own from the path it hands on (one per file: with one
 * shared browser server the files only waited on each other, for no saving).
 */
export default async function setup(): Promise<void> {
  const { path } = requireTool(CHROMIUM);
  const browser = await chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS }).catch((error: Error) => {
    throw Object.assign(new Error(`Chromium at ${path} did not start: ${error.message.split('\n')[0]}`), { stack: undefined });
  });
  await browser.close();
  process.env[CHROMIUM_EXECUTABLE] = path;
}
