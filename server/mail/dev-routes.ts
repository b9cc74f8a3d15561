import { desc, eq } from 'drizzle-orm';
import { Router } from 'express';
import type { Context } from '../context.js';
import { first } from '../db/database.js';
import { notFound } from '../web/errors.js';
import { renderPage } from '../web/render.js';
import { outbox } from './table.js';
import { composeOutboxMail } from './compose.js';

/** The development mail outbox: every queued mail, readable in the browser. Never mounted in production. */
export function devMailRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/dev/mail', async (_req, res) => {
    const mails = await ctx.db
      .select({ id: outbox.id, kind: outbox.kind, toAddress: outbox.toAddress, subject: outbox.subject, state: outbox.state, createdAt: outbox.createdAt })
      .from(outbox)
      .orderBy(desc(outbox.id))
      .limit(100);
    renderPage(res, 'dev/mail-index', { title: 'Development mail outbox', mails });
  });

  router.get('/dev/mail/:id', async (req, res) => {
    const mail = await findMail(ctx, req.params.id);
    if (!mail) throw notFound('mail');
    renderPage(res, 'dev/mail-show', { title: mail.subject, mail, textWithLinks: linkify(mail.textBody) });
  });

  // The HTML part, shown sandboxed in an iframe on the mail page.
  router.get('/dev/mail/:id/html', async (req, res) => {
    const mail = await findMail(ctx, req.params.id);
    if (!mail) throw notFound('mail');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation");
    res.removeHeader('X-Frame-Options');
    res.type('html').send(mail.htmlBody);
  });

  return router;
}

async function findMail(ctx: Context, param: string) {
  const id = Number(param);
  const row = Number.isSafeInteger(id) ? await first(ctx.db.select().from(outbox).where(eq(outbox.id, id))) : undefined;
  return row && composeOutboxMail(ctx.views, row);
}

/** Splits a text body into plain parts and links, for the template to escape and link. */
function linkify(text: string): Array<{ text: string; href?: string }> {
  const parts: Array<{ text: string; href?: string }> = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], href: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
