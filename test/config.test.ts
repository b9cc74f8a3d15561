import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';

describe('numbers in the configuration', () => {
  it.each(['0x10', '1e1', '0b10', '0o20', ' 16', '16 ', '+16', '16.0', '1_6', 'Infinity'])('when JOBS_INTERVAL_MINUTES is %j, then start-up stops with a message naming the variable', (value) => {
    expect(() => loadConfig({ JOBS_INTERVAL_MINUTES: value })).toThrow(ConfigError);
    expect(() => loadConfig({ JOBS_INTERVAL_MINUTES: value })).toThrow(/JOBS_INTERVAL_MINUTES: must be a whole number written in decimal digits/);
  });

  it.each([['PORT', '0x50'], ['SMTP_MAX_CONNECTIONS', '1e1'], ['LOGIN_LIMIT_PER_IP', '0x14'], ['SIGN_LIMIT_PER_MINUTE', ' 3'], ['DATABASE_BUSY_TIMEOUT_MS', '5e3'], ['DATABASE_POOL_SIZE', '0x10'], ['DATABASE_POOL_SIZE', '2.0']])('when %s is %j, then it is refused too', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}: must be a whole number written in decimal digits`));
  });

  it('when DATABASE_POOL_SIZE is 1, then it is refused: the scheduled jobs hold a connection for their run and would wait for ever for a second', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_POOL_SIZE: '1' })).toThrow(/DATABASE_POOL_SIZE: Too small: expected number to be >=2/);
  });

  it.each([['SMTP_SOCKET_TIMEOUT_SECONDS', '0x10'], ['MAIL_RETRY_HOURS', '1e1'], ['SMTP_GREETING_TIMEOUT_SECONDS', '.5']])('when %s (a number of seconds or hours) is %j, then it is refused', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}: must be a number written in decimal digits`));
  });

  it('when numbers are written in plain decimal digits (a leading zero, a decimal point where fractions make sense), then they are read as written', () => {
    const config = loadConfig({ JOBS_INTERVAL_MINUTES: '016', PORT: '8080', SMTP_SOCKET_TIMEOUT_SECONDS: '2.5', MAIL_RETRY_HOURS: '48' });
    expect(config.jobsIntervalMinutes).toBe(16);
    expect(config.port).toBe(8080);
    expect(config.smtpSocketTimeoutSeconds).toBe(2.5);
    expect(config.mailRetryHours).toBe(48);
  });

  it('when a number is out of its range, then the message says so', () => {
    expect(() => loadConfig({ JOBS_INTERVAL_MINUTES: '1441' })).toThrow(/JOBS_INTERVAL_MINUTES: Too big/i);
  });

  it.each([['0', /WEB_CONCURRENCY: Too small: expected number to be >=1/], ['65', /WEB_CONCURRENCY: Too big: expected number to be <=64/], ['two', /WEB_CONCURRENCY: must be a whole number/], ['1.5', /WEB_CONCURRENCY: must be a whole number/]])('when WEB_CONCURRENCY is %j, then start-up stops with a message naming it', (value, message) => {
    expect(() => loadConfig({ WEB_CONCURRENCY: value })).toThrow(message);
  });

  it('when WEB_CONCURRENCY is unset, then one process serves (no cluster); any whole number from 1 to 64 is taken as written', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '1' }).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '64' }).webConcurrency).toBe(64);
  });
});
