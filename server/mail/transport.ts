import nodemailer from 'nodemailer';
import type { OutboxRow } from './table.js';

export interface MailTransport {
  /** 'dev' keeps mail in the outbox for /dev/mail instead of delivering it. */
  readonly kind: 'smtp' | 'dev';
  send(mail: OutboxRow): Promise<void>;
  close(): void;
}

export function createSmtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 4, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.textBody,
        html: mail.htmlBody,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transporter.close(),
  };
}

export const createDevTransport = (): MailTransport => ({ kind: 'dev', send: async () => {}, close: () => {} });

/** An SMTP 5xx reply is final; connection failures and 4xx replies are worth another try. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
