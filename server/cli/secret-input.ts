import { CliError, type CommandEnv } from './command.js';

type TtyInput = CommandEnv['stdin'] & { setRawMode?: (raw: boolean) => unknown };

/**
 * A secret from the person at the terminal, never echoed; or, when standard input is piped
 * (scripts, tests), its first line. Either way it never appears in arguments or the shell history.
 */
export async function readSecret(env: Pick<CommandEnv, 'stdin' | 'stderr'>, prompt: string, confirmPrompt?: string): Promise<string> {
  const stdin = env.stdin as TtyInput;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return firstLine(stdin);
  const secret = await promptHidden(stdin, env.stderr, prompt);
  if (confirmPrompt && (await promptHidden(stdin, env.stderr, confirmPrompt)) !== secret) throw new CliError('the two passwords were not the same');
  return secret;
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new CliError('expected the password on the first line of standard input');
  return line;
}

function promptHidden(stdin: TtyInput, stderr: NodeJS.WritableStream, prompt: string): Promise<string> {
  stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003' || char === '\u0004') return finish(() => reject(new CliError('cancelled')));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}
