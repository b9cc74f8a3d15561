import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';
import type { SmtpSettings } from '../../server/mail/transport.js';
import { createLogger } from '../../server/web/logger.js';

export interface SmtpPeer {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** How many DATA commands arrived, accepted or not. */
  attempts: number;
  /** The most TCP connections that were open at once. */
  peakConnections: number;
  /** How many TCP connections were opened in all, greeted or not. */
  connections: number;
  /** While true, the peer accepts connections but never sends its greeting (a hung server). */
  hang: boolean;
  /** Recipients the peer refuses at RCPT TO with 550, quoting the address as Postfix does. */
  refusedRecipients: Set<string>;
  /** Recipients the peer defers at RCPT TO with 450 (greylisting), quoting the address. */
  greylistedRecipients: Set<string>;
  /** Milliseconds the peer waits before answering each message's DATA (a slow relay): sends stay in flight. */
  dataDelayMs: number;
  /** Answer the next deliveries with these SMTP codes (e.g. [451]) before accepting again. */
  failNext(...codes: number[]): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1, port 0: mail goes through a real SMTP exchange in tests. */
export async function startSmtpPeer(port = 0, options: { login?: { user: string; pass: string } } = {}): Promise<SmtpPeer> {
  const messages: ParsedMail[] = [];
  const failures: number[] = [];
  let attempts = 0;
  let open = 0;
  let peakConnections = 0;
  let connections = 0;
  const { login } = options;
  const server = new SMTPServer({
    authOptional: !login,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    // No DNS here: a reverse lookup of 127.0.0.1 would wait for the resolver to time out before
    // every greeting. A production relay resolves it at once.
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      // Held callbacks are never answered: the client waits for a greeting until it gives up.
      if (!peer.hang) callback();
    },
    onRcptTo(address, _session, callback) {
      if (peer.refusedRecipients.has(address.address)) {
        return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      }
      if (peer.greylistedRecipients.has(address.address)) {
        return callback(Object.assign(new Error(`4.2.0 <${address.address}>: Recipient address rejected: Greylisted, try again later`), { responseCode: 450 }));
      }
      callback();
    },
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      attempts += 1;
      const code = failures.shift();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        if (peer.dataDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, peer.dataDelayMs));
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
  server.server.on('connection', (socket) => {
    open += 1;
    connections += 1;
    peakConnections = Math.max(peakConnections, open);
    socket.once('close', () => (open -= 1));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.server.address() as AddressInfo).port;
  const peer: SmtpPeer = {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    get attempts() {
      return attempts;
    },
    get peakConnections() {
      return peakConnections;
    },
    get connections() {
      return connections;
    },
    hang: false,
    refusedRecipients: new Set(),
    greylistedRecipients: new Set(),
    dataDelayMs: 0,
    failNext: (...codes) => failures.push(...codes),
    async waitForMessages(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return peer;
}

/** The first link in a mail's text part that matches `pattern`. */
export function linkIn(mail: ParsedMail, pattern: RegExp): string {
  const match = (mail.text ?? '').match(new RegExp(`https?://\\S*${pattern.source}\\S*`));
  if (!match) throw new Error(`no link matching ${pattern} in: ${mail.text}`);
  return match[0];
}

/** Transport settings for a peer: the production defaults, with timeouts short enough for a test. */
export const smtpSettingsFor = (url: string, overrides: Partial<SmtpSettings> = {}): SmtpSettings => ({
  url,
  from: 'Undersigned <letters@undersigned.test>',
  maxConnections: 4,
  connectionTimeoutMs: 2_000,
  greetingTimeoutMs: 2_000,
  socketTimeoutMs: 5_000,
  ...overrides,
});

/** The server's own logger (with its redaction), writing lines the test reads. */
export function capturedLogger(): { logger: Logger; lines: Array<{ level: number; msg: string } & Record<string, unknown>> } {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** What a mail test opens; whatever is set here is closed after each test. */
export interface OpenedForTest {
  app?: { close(): Promise<void> };
  peer?: SmtpPeer;
}

export function closedAfterEach(): OpenedForTest {
  const opened: OpenedForTest = {};
  afterEach(async () => {
    await opened.app?.close();
    await opened.peer?.close();
    delete opened.app;
    delete opened.peer;
  });
  return opened;
}
