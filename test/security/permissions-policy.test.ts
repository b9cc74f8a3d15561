import { describe, expect, it } from 'vitest';
import { visitPublicSiteOnce } from '../helpers/public-site.js';

const visits = visitPublicSiteOnce();

describe('Permissions-Policy', () => {
  it('when anything is served, then powerful browser features are switched off for the page and anything it embeds', () => {
    for (const { label, res } of visits()) {
      const features = String(res.headers['permissions-policy'] ?? '').split(/,\s*/);
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(features, label).toContain(`${feature}=()`);
    }
  });
});
