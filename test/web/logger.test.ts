import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/web/logger.js';

function loggedLines(log: (logger: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  log(createLogger('info', { write: (line: string) => void lines.push(line) }));
  return lines;
}

describe('the server log', () => {
  it('when any string it writes holds something shaped like an email address, then the address is written as [email], in every field and however it is spelt', () => {
    const [line] = loggedLines((logger) =>
      logger.warn(
        {
          reason: '550 5.1.1 <bounce1@example.org>: Recipient address rejected',
          nested: { list: ['a.b+tag@sub.example.co.uk', 'ok'], encoded: 'x=carol%40example.org', twice: 'dan%2540example.org', wide: 'erin＠example.org' },
          'frank@example.org': 'a key',
          err: new Error('cannot deliver to gina@example.org'),
        },
        'mail to hank@example.org failed',
      ),
    );
    expect(line).toBeDefined();
    expect(line).not.toMatch(/bounce1|a\.b\+tag|carol|dan%|erin|frank|gina|hank/);
    const parsed = JSON.parse(line ?? '{}') as Record<string, unknown>;
    expect(parsed.msg).toBe('mail to [email] failed');
    expect(parsed.reason).toBe('550 5.1.1 <[email]>: Recipient address rejected');
    expect(parsed.nested).toEqual({ list: ['[email]', 'ok'], encoded: 'x=[email]', twice: '[email]', wide: '[email]' });
    expect(parsed['[email]']).toBe('a key');
    expect((parsed.err as { message: string; stack: string }).message).toBe('cannot deliver to [email]');
    expect((parsed.err as { stack: string }).stack).toContain('cannot deliver to [email]');
  });

  it('when a string only looks a little like an address (a package version, a scoped package path), then it is written as it is', () => {
    const [line] = loggedLines((logger) => logger.info({ driver: 'better-sqlite3@12.11.1', file: '/srv/app/node_modules/@types/node/index.d.ts' }, 'started'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ driver: 'better-sqlite3@12.11.1', file: '/srv/app/node_modules/@types/node/index.d.ts', msg: 'started' });
  });
});
