import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { projectPath } from './lib/project-root.js';

/**
 * Every setting the server reads, parsed once at start-up. Each key is documented in the
 * README's configuration table; keep the two in step.
 */
/**
 * Numbers as people write them in a setting: decimal digits only. `Number()` (z.coerce) would also
 * read `0x10` as 16, `1e3` as 1000 and ` 16` as 16, which nobody means in a configuration file.
 */
const integer = (min: number, max: number, fallback: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number written in decimal digits').transform(Number).pipe(z.number().int().min(min).max(max)).default(fallback);
/** Seconds or hours, where a fraction makes sense: `2.5`, never `.5`, `1e1` or `0x10`. */
const decimal = (max: number, fallback: number) =>
  z.string().regex(/^\d+(\.\d+)?$/, 'must be a number written in decimal digits').transform(Number).pipe(z.number().positive().max(max)).default(fallback);
const whole = (fallback: number) => integer(0, Number.MAX_SAFE_INTEGER, fallback);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: integer(0, 65535, 3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    WEB_CONCURRENCY: integer(1, 64, 1),
    DATABASE_PATH: z.string().min(1).default('data/undersigned.db'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
    DATABASE_POOL_SIZE: integer(2, 200, 10),
    DATABASE_BUSY_TIMEOUT_MS: integer(0, 600_000, 5000),
    BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    MAIL_FROM: z.string().min(3).default('Undersigned <no-reply@undersigned.localhost>'),
    SMTP_MAX_CONNECTIONS: integer(1, 50, 4),
    SMTP_CONNECTION_TIMEOUT_SECONDS: decimal(600, 10),
    SMTP_GREETING_TIMEOUT_SECONDS: decimal(600, 10),
    SMTP_SOCKET_TIMEOUT_SECONDS: decimal(600, 60),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TRUST_PROXY: z.string().default('false'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SIGN_LIMIT_PER_MINUTE: whole(3),
    SIGN_LIMIT_PER_HOUR: whole(20),
    SIGN_MIN_SECONDS: whole(3),
    SIGN_LIMIT_PER_DOMAIN_PER_HOUR: whole(200),
    TOKEN_LIMIT_PER_HOUR: whole(30),
    SIGN_RESPONSE_MS: integer(0, 5000, 250),
    FAMOUS_NAMES_FILE: z.string().min(1).optional(),
    CONFIRM_TOKEN_DAYS: integer(1, 90, 7),
    MAX_MAILS_PER_SIGNATURE: integer(1, 50, 5),
    MAIL_RETRY_HOURS: decimal(168, 24),
    SEED_DEMO_LETTER: z.enum(['auto', 'yes', 'no']).default('auto'),
    REMINDER_HOURS: whole(48),
    UNCONFIRMED_RETENTION_DAYS: integer(1, 3650, 30),
    IP_RETENTION_DAYS: integer(1, 3650, 90),
    ANONYMISE_AFTER_DAYS: whole(30),
    // Node runs a timer longer than 2^31 ms (24.8 days) after 1 ms: a day is the useful maximum.
    JOBS_INTERVAL_MINUTES: integer(0, 1440, 60),
    UPDATE_MAILS_PER_MINUTE: integer(0, 100_000, 600),
    LOGIN_LIMIT_PER_ACCOUNT: whole(5),
    LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES: whole(50),
    LOGIN_LIMIT_PER_IP: whole(20),
    LOGIN_LIMIT_WINDOW_MINUTES: integer(1, 1440, 15),
    SESSION_IDLE_MINUTES: integer(1, 1440, 30),
    SESSION_MAX_HOURS: integer(1, 720, 12),
  })
  .superRefine((env, ctx) => {
    // A confirmation link must never outlive the signature it confirms.
    if (env.UNCONFIRMED_RETENTION_DAYS < env.CONFIRM_TOKEN_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['UNCONFIRMED_RETENTION_DAYS'], message: `must be at least CONFIRM_TOKEN_DAYS (${env.CONFIRM_TOKEN_DAYS})` });
    }
    if (env.FAMOUS_NAMES_FILE && !existsSync(resolve(env.FAMOUS_NAMES_FILE))) {
      ctx.addIssue({ code: 'custom', path: ['FAMOUS_NAMES_FILE'], message: 'no such file' });
    }
    if (env.NODE_ENV !== 'production') return;
    if (!env.SMTP_URL) ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required in production' });
    if (!env.SESSION_SECRET) ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
    if (!env.BASE_URL) ctx.addIssue({ code: 'custom', path: ['BASE_URL'], message: 'is required in production' });
  });

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  /**
   * Web processes sharing the port: above 1, `npm start` runs node's cluster, a primary that
   * migrates once and keeps this many workers running (server/web-processes.ts).
   */
  webConcurrency: number;
  /** The SQLite file, used when `databaseUrl` is unset. */
  databasePath: string;
  /** A postgres:// URL: the app runs on that PostgreSQL database instead of the SQLite file. */
  databaseUrl: string | undefined;
  /** PostgreSQL connections this process keeps at most. */
  databasePoolSize: number;
  /** How long a write waits for another connection's write lock before it is refused (503 for a request). */
  databaseBusyTimeoutMs: number;
  baseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The SMTP connection pool's size, and how long to wait to connect, for the greeting and on an idle socket. */
  smtpMaxConnections: number;
  smtpConnectionTimeoutSeconds: number;
  smtpGreetingTimeoutSeconds: number;
  smtpSocketTimeoutSeconds: number;
  sessionSecret: string;
  trustProxy: boolean | number | string;
  logLevel: Env['LOG_LEVEL'];
  signLimitPerMinute: number;
  signLimitPerHour: number;
  signMinSeconds: number;
  signLimitPerDomainPerHour: number;
  tokenLimitPerHour: number;
  /** Accepted sign forms are answered no sooner than this, whatever the address's history. */
  signResponseMs: number;
  /** Absolute path of the list of famous names whose signatures are held for a moderator. */
  famousNamesFile: string;
  confirmTokenDays: number;
  maxMailsPerSignature: number;
  mailRetryHours: number;
  seedDemoLetter: boolean;
  /** Hours before the one reminder to confirm; 0 = no reminders. */
  reminderHours: number;
  /** Days an unconfirmed signature is kept, counted from signing; never while a confirm link mailed for it still works. */
  unconfirmedRetentionDays: number;
  /**
   * Days the keyed hash and network of a signer's address are kept, counted from signing; block
   * rules naming an address hash, and the hash in their audit records, go after as many days.
   */
  ipRetentionDays: number;
  anonymiseAfterDays: number;
  /** How often the server runs reminders and privacy jobs; 0 = never (tests, benchmarks). */
  jobsIntervalMinutes: number;
  /** How many update mails are queued per minute at most (see server/updates/fill-outbox.ts); 0 = the server queues none by itself. */
  updateMailsPerMinute: number;
  /** Failed organiser sign-ins allowed per account from one client address, per client address, and per account from all addresses, in the window; 0 = off. */
  loginLimitPerAccount: number;
  loginLimitPerAccountAllSources: number;
  loginLimitPerIp: number;
  loginLimitWindowMinutes: number;
  /** An organiser session ends after this long without a request, and in any case after the maximum. */
  sessionIdleMinutes: number;
  sessionMaxHours: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Development only: a fixed secret keeps dev sessions and IP hashes stable across restarts. */
const DEVELOPMENT_SECRET = 'development-only-secret-do-not-use-in-production';

export function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * Every limit that slows a signer down, turned off (0): for the test suite and the benchmarks,
 * where one address signs thousands of times a second by design. Never for a public site.
 */
export const ABUSE_LIMITS_OFF = {
  SIGN_LIMIT_PER_MINUTE: '0',
  SIGN_LIMIT_PER_HOUR: '0',
  SIGN_MIN_SECONDS: '0',
  SIGN_LIMIT_PER_DOMAIN_PER_HOUR: '0',
  TOKEN_LIMIT_PER_HOUR: '0',
  // The floor that hides timing differences would cap each connection at 4 signatures a second.
  SIGN_RESPONSE_MS: '0',
} as const;

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    webConcurrency: env.WEB_CONCURRENCY,
    databasePath: env.DATABASE_PATH,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseBusyTimeoutMs: env.DATABASE_BUSY_TIMEOUT_MS,
    baseUrl: (env.BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    smtpMaxConnections: env.SMTP_MAX_CONNECTIONS,
    smtpConnectionTimeoutSeconds: env.SMTP_CONNECTION_TIMEOUT_SECONDS,
    smtpGreetingTimeoutSeconds: env.SMTP_GREETING_TIMEOUT_SECONDS,
    smtpSocketTimeoutSeconds: env.SMTP_SOCKET_TIMEOUT_SECONDS,
    sessionSecret: env.SESSION_SECRET ?? DEVELOPMENT_SECRET,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    signLimitPerMinute: env.SIGN_LIMIT_PER_MINUTE,
    signLimitPerHour: env.SIGN_LIMIT_PER_HOUR,
    signMinSeconds: env.SIGN_MIN_SECONDS,
    signLimitPerDomainPerHour: env.SIGN_LIMIT_PER_DOMAIN_PER_HOUR,
    tokenLimitPerHour: env.TOKEN_LIMIT_PER_HOUR,
    signResponseMs: env.SIGN_RESPONSE_MS,
    famousNamesFile: env.FAMOUS_NAMES_FILE ? resolve(env.FAMOUS_NAMES_FILE) : projectPath('config', 'famous-names.txt'),
    confirmTokenDays: env.CONFIRM_TOKEN_DAYS,
    maxMailsPerSignature: env.MAX_MAILS_PER_SIGNATURE,
    mailRetryHours: env.MAIL_RETRY_HOURS,
    seedDemoLetter: env.SEED_DEMO_LETTER === 'yes' || (env.SEED_DEMO_LETTER === 'auto' && env.NODE_ENV === 'development'),
    reminderHours: env.REMINDER_HOURS,
    unconfirmedRetentionDays: env.UNCONFIRMED_RETENTION_DAYS,
    ipRetentionDays: env.IP_RETENTION_DAYS,
    anonymiseAfterDays: env.ANONYMISE_AFTER_DAYS,
    jobsIntervalMinutes: env.JOBS_INTERVAL_MINUTES,
    updateMailsPerMinute: env.UPDATE_MAILS_PER_MINUTE,
    loginLimitPerAccount: env.LOGIN_LIMIT_PER_ACCOUNT,
    loginLimitPerAccountAllSources: env.LOGIN_LIMIT_PER_ACCOUNT_ALL_SOURCES,
    loginLimitPerIp: env.LOGIN_LIMIT_PER_IP,
    loginLimitWindowMinutes: env.LOGIN_LIMIT_WINDOW_MINUTES,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionMaxHours: env.SESSION_MAX_HOURS,
  };
}
