import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpPeer {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** How many DATA commands arrived, accepted or not. */
  attempts: number;
  /** Answer the next deliveries with these SMTP codes (e.g. [451]) before accepting again. */
  failNext(...codes: number[]): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1, port 0: mail goes through a real SMTP exchange in tests. */
export async function startSmtpPeer(port = 0): Promise<SmtpPeer> {
  const messages: ParsedMail[] = [];
  const failures: number[] = [];
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      attempts += 1;
      const code = failures.shift();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (code) {
          const error = Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });
          return callback(error);
        }
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          messages.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    get attempts() {
      return attempts;
    },
    failNext: (...codes) => failures.push(...codes),
    async waitForMessages(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a mail's text part that matches `pattern`. */
export function linkIn(mail: ParsedMail, pattern: RegExp): string {
  const match = (mail.text ?? '').match(new RegExp(`https?://\\S*${pattern.source}\\S*`));
  if (!match) throw new Error(`no link matching ${pattern} in: ${mail.text}`);
  return match[0];
}
