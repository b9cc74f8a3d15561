import { createHash, createHmac, randomBytes } from 'node:crypto';

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** 256 random bits, URL-safe. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

export const hmacHex = (secret: string, value: string): string => createHmac('sha256', secret).update(value).digest('hex');
