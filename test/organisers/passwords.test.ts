import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, OWASP_SCRYPT_COST, passwordProblem, scryptCostFor, verifyPassword } from '../../server/organisers/passwords.js';

const cheap = scryptCostFor('test');

describe('password hashing', () => {
  it('when hashed, then the right password verifies and a wrong one does not', async () => {
    const hash = await hashPassword('a passphrase of some length', cheap);
    expect(hash).toMatch(/^scrypt\$\d+\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain('passphrase');
    expect(await verifyPassword('a passphrase of some length', hash)).toBe(true);
    expect(await verifyPassword('a passphrase of some lengtH', hash)).toBe(false);
  });

  it('when the same password is hashed twice, then the salts differ', async () => {
    expect(await hashPassword('same password here', cheap)).not.toBe(await hashPassword('same password here', cheap));
  });

  it('when the stored hash is malformed, then nothing verifies against it', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$a$b', 'bcrypt$10$whatever']) expect(await verifyPassword('anything at all', stored)).toBe(false);
  });

  it('when outside tests, then the cost is OWASP scrypt N=2^17, r=8, p=1; only NODE_ENV=test lowers it', () => {
    expect(OWASP_SCRYPT_COST).toEqual({ logN: 17, r: 8, p: 1 });
    expect(scryptCostFor('production')).toEqual(OWASP_SCRYPT_COST);
    expect(scryptCostFor('development')).toEqual(OWASP_SCRYPT_COST);
    expect(scryptCostFor('test').logN).toBeLessThan(17);
  });

  it('when a hash was made at a lower cost than now required, then it needs re-hashing', async () => {
    const hash = await hashPassword('a passphrase of some length', cheap);
    expect(needsRehash(hash, cheap)).toBe(false);
    expect(needsRehash(hash, OWASP_SCRYPT_COST)).toBe(true);
  });

  it('when a new password is under 12 characters, then it is refused; 12 (counted as characters, not bytes) is enough', () => {
    expect(passwordProblem('elevenchars')).toMatch(/at least 12/);
    expect(passwordProblem('twelve chars')).toBeUndefined();
    expect(passwordProblem('ééééééééééé')).toMatch(/at least 12/);
  });
});
