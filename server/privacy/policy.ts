import type { Config } from '../config.js';
import { WITHDRAW_TOKEN_DAYS } from '../signatures/index.js';

/** The periods the privacy page promises, read from the settings that enforce them. */
export interface PrivacyPolicy {
  confirmLinkDays: number;
  withdrawLinkDays: number;
  /** 0: no reminders. */
  reminderHours: number;
  unconfirmedRetentionDays: number;
  ipRetentionDays: number;
  anonymiseAfterDays: number;
}

export const privacyPolicy = (config: Config): PrivacyPolicy => ({
  confirmLinkDays: config.confirmTokenDays,
  withdrawLinkDays: WITHDRAW_TOKEN_DAYS,
  reminderHours: config.reminderHours,
  unconfirmedRetentionDays: config.unconfirmedRetentionDays,
  ipRetentionDays: config.ipRetentionDays,
  anonymiseAfterDays: config.anonymiseAfterDays,
});
