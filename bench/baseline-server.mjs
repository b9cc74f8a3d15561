// The yardstick: a bare Express 5 app doing the same body parsing as Undersigned and nothing else.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Baseline</title></head><body>${'<p>We, the undersigned, ask for change.</p>'.repeat(150)}</body></html>`;
app.get('/page', (_req, res) => {
  res.type('html').send(page);
});
app.post('/sign', (req, res) => {
  if (!req.body || typeof req.body.email !== 'string') return res.status(422).send('invalid');
  res.redirect(303, '/page');
});
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
