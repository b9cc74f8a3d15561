import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './config.js';

const VNU_JAR = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');

/** Set by the browser lane's global set-up (test/setup/java.ts): the Java it found or installed. */
export const JAVA_EXECUTABLE = 'UNDERSIGNED_JAVA';

export interface ValidatorMessage {
  /** The name the document was given. */
  document: string;
  type: 'error' | 'info' | 'non-document-error';
  subType?: string;
  message: string;
  extract?: string;
  lastLine?: number;
}

/**
 * Checks HTML documents with the Nu HTML Checker (npm vnu-jar, needs `java`) in one JVM start,
 * since starting it costs seconds. Returns every message, named by document.
 */
export async function checkHtml(documents: Record<string, string>): Promise<ValidatorMessage[]> {
  const dir = tempDir('undersigned-vnu-');
  const names = new Map<string, string>();
  const files = Object.entries(documents).map(([name, html], index) => {
    const file = join(dir, `${index}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.html`);
    writeFileSync(file, html);
    names.set(`file:${file}`, name);
    return file;
  });
  const { stdout } = await promisify(execFile)(process.env[JAVA_EXECUTABLE] ?? 'java', ['-jar', VNU_JAR, '--format', 'json', '--exit-zero-always', '--stdout', ...files], { maxBuffer: 32 * 1024 * 1024 });
  const report = JSON.parse(stdout) as { messages: Array<Omit<ValidatorMessage, 'document'> & { url?: string }> };
  return report.messages.map(({ url, ...message }) => ({ ...message, document: names.get(url ?? '') ?? url ?? '?' }));
}

/** Errors only (warnings are advice), in a form that reads well in a failed assertion. */
export const validatorErrors = (messages: ValidatorMessage[]): string[] =>
  messages.filter((message) => message.type !== 'info').map((message) => `${message.document}: line ${message.lastLine ?? '?'}: ${message.message}${message.extract ? ` [${message.extract.trim()}]` : ''}`);
