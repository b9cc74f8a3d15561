import { chromium } from 'playwright-core';
import { BROWSER_ENDPOINT, CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../helpers/browser.js';
import { requireTool } from './require-tool.js';
import { CHROMIUM } from './tools.js';

/**
 * Global set-up of the browser lane: finds or installs Chromium, then starts one browser server
 * on loopback for the whole run; each test file connects to it (a connection costs a fraction of
 * a launch) and gets its own contexts. Workers inherit both variables.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const { path } = requireTool(CHROMIUM);
  process.env[CHROMIUM_EXECUTABLE] = path;
  const server = await chromium.launchServer({ executablePath: path, headless: true, args: CHROMIUM_ARGS, host: '127.0.0.1', port: 0 }).catch((error: Error) => {
    throw Object.assign(new Error(`Chromium at ${path} did not start: ${error.message.split('\n')[0]}`), { stack: undefined });
  });
  process.env[BROWSER_ENDPOINT] = server.wsEndpoint();
  return async () => {
    delete process.env[BROWSER_ENDPOINT];
    await server.close();
  };
}
