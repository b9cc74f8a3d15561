import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import { readCookie } from '../web/cookies.js';

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that
 * signed in to an account gets a signed cookie naming that account (by a MAC, not in clear). A
 * later sign-in to the same account carrying it is the owner's device, not a guesser: it has a
 * share of the password hashing others cannot take and is not held back by the throttles that
 * guessers from elsewhere (or from a shared connection) filled. A cookie that keeps failing is
 * locked by its own counter. Only a sign-in with the right password gets one, so an unknown
 * account never has a valid cookie and is answered as before.
 */
export const DEVICE_COOKIE_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;
const SHAPE = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** `__Host-` in production: the browser then insists on Secure, Path=/ and no Domain. */
const deviceCookieName = (config: Pick<Config, 'isProduction'>): string => (config.isProduction ? '__Host-undersigned_device' : 'undersigned_device');

export interface DeviceCookies {
  /** A new cookie value for a browser that just signed in to `account`. */
  issue(account: string, now: Date): string;
  /** The device's id when `value` was issued to a browser that signed in to `account` within the year; else undefined. */
  deviceOf(value: string | undefined, account: string, now: Date): string | undefined;
}

export function createDeviceCookies(sessionSecret: string): DeviceCookies {
  // A key of its own, so a MAC made here is never valid anywhere the session secret keys another hash.
  const key = createHmac('sha256', sessionSecret).update('undersigned device cookie').digest();
  const macOf = (account: string, device: string, issuedAt: string) => createHmac('sha256', key).update(`${account}\u0000${device}\u0000${issuedAt}`).digest();
  return {
    issue(account, now) {
      const device = randomBytes(16).toString('base64url');
      const issuedAt = String(Math.floor(now.getTime() / 1000));
      return `${device}.${issuedAt}.${macOf(account, device, issuedAt).toString('base64url')}`;
    },
    deviceOf(value, account, now) {
      const [, device, issuedAt, mac] = SHAPE.exec(value ?? '') ?? [];
      if (!device || !issuedAt || !mac) return undefined;
      const age = now.getTime() - Number(issuedAt) * 1000;
      if (age < -DAY_MS || age > DEVICE_COOKIE_DAYS * DAY_MS) return undefined;
      return timingSafeEqual(Buffer.from(mac, 'base64url'), macOf(account, device, issuedAt)) ? device : undefined;
    },
  };
}

export const readDeviceCookie = (req: Request, config: Pick<Config, 'isProduction'>): string | undefined => readCookie(req, deviceCookieName(config));

export function setDeviceCookie(res: Response, config: Pick<Config, 'isProduction'>, value: string): void {
  res.cookie(deviceCookieName(config), value, { httpOnly: true, sameSite: 'lax', secure: config.isProduction, path: '/', maxAge: DEVICE_COOKIE_DAYS * DAY_MS });
}
