import { z } from 'zod';
import { cleanText, textValue } from '../web/forms.js';
import { ORGANISER_ROLES } from './table.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

/** Passwords are taken exactly as typed: trimming or normalising here would change what was chosen. */
const password = (message: string) =>
  z.preprocess((raw) => textValue(raw) ?? '', z.string().min(1, message).max(MAX_PASSWORD_LENGTH * 4, 'Password is too long'));

const email = z.preprocess((raw) => (textValue(raw) ?? '').trim(), z.string().min(1, 'Enter your email address').max(254, 'Email address is too long'));

export const LOGIN_FIELDS = ['email', 'next'] as const;

export const loginForm = z.object({
  email,
  password: password('Enter your password'),
  next: z.preprocess((raw) => textValue(raw) ?? '', z.string()),
});

/** Only a path inside /admin: anything else would make the sign-in page an open redirect. */
export function safeNextPath(raw: unknown): string {
  const value = textValue(raw) ?? '';
  return /^\/admin(?:[/?#]|$)/.test(value) && !value.startsWith('//') && !/[\\\s]/.test(value) ? value : '/admin';
}

export const ADD_ORGANISER_FIELDS = ['email', 'name', 'role'] as const;

export const addOrganiserForm = z.object({
  email,
  name: cleanText('name', { min: 1, max: 120 }),
  role: z.preprocess((raw) => textValue(raw) ?? '', z.enum(ORGANISER_ROLES, { message: 'Choose a role' })),
  password: password('Enter a password for the new organiser'),
});

export const organiserRoleForm = z.object({
  email,
  role: z.preprocess((raw) => textValue(raw) ?? '', z.enum(ORGANISER_ROLES, { message: 'Choose a role' })),
});

export const organiserEmailForm = z.object({ email });
