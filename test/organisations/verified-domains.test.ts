import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/audit/record.js';
import { createOrganisation } from '../../server/organisations/create-organisation.js';
import { organisationDomainsOf } from '../../server/organisations/verified-domains.js';
import { signedInAs } from '../helpers/signed-in.js';

const moderator = signedInAs('moderator');
const { t } = moderator;

const setDomains = (id: number, domains: string) => moderator.post(`/admin/organisations/${id}/domains`, { domains });
const domainsOf = async (id: number) => [...(await organisationDomainsOf(t.ctx.db, id))].sort();

describe("an organisation's verified domains", () => {
  it.each([
    ['a public suffix', 'co.uk', 'co.uk is a public suffix'],
    ['a top-level domain', 'com', 'is not a domain name'],
    ['a private public suffix, where anyone gets a subdomain', 'github.io', 'github.io is a public suffix'],
    ['a public suffix typed as a wildcard', '*.blogspot.com', 'blogspot.com is a public suffix'],
    ['a webmail provider missing from any short hand list', 'posteo.de', 'posteo.de is a public mail service'],
    ['a national webmail provider', 'yahoo.co.uk', 'yahoo.co.uk is a public mail service'],
    ['a subdomain of a webmail provider', 'eng.gmail.com', 'eng.gmail.com is a public mail service'],
    ['a privacy mail service (Tuta)', 'tuta.com', 'tuta.com is a public mail service'],
    ['a privacy mail service (mailbox.org)', 'mailbox.org', 'mailbox.org is a public mail service'],
    ['a community mail service (Disroot)', 'disroot.org', 'disroot.org is a public mail service'],
    ['a community mail service (Riseup)', 'riseup.net', 'riseup.net is a public mail service'],
    ['a webmail provider (Zoho Mail, EU)', 'zohomail.eu', 'zohomail.eu is a public mail service'],
    ['a webmail provider (Zoho Mail)', 'zohomail.com', 'zohomail.com is a public mail service'],
    ['a privacy mail service (Systemli)', 'systemli.org', 'systemli.org is a public mail service'],
    ['a privacy mail service (Autistici)', 'autistici.org', 'autistici.org is a public mail service'],
    ['a privacy mail service (StartMail)', 'startmail.com', 'startmail.com is a public mail service'],
    ['a privacy mail service (Kolab Now)', 'kolabnow.com', 'kolabnow.com is a public mail service'],
    ['a mail relay (Firefox Relay)', 'mozmail.com', 'mozmail.com is a public mail service'],
    ['a mail relay (SimpleLogin)', 'slmail.me', 'slmail.me is a public mail service'],
    ['a mail relay (SimpleLogin aliases)', 'aleeas.com', 'aleeas.com is a public mail service'],
    ['a mail relay (addy.io, formerly AnonAddy)', 'anonaddy.me', 'anonaddy.me is a public mail service'],
    ['a mail relay (addy.io)', 'addy.io', 'addy.io is a public mail service'],
    ['a subdomain of a mail relay', 'someone.anonaddy.me', 'someone.anonaddy.me is a public mail service'],
  ])('when a moderator sets %s (%s), then the form says why it cannot be and nothing changes', async (_case, domain, message) => {
    const acme = await createOrganisation(t.ctx, { name: 'Acme', domains: ['acme.example'], actor: SYSTEM_ACTOR });

    const res = await setDomains(acme.id, `acme.example\n${domain}`);

    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`id="error-domains"><span class="visually-hidden">Error:</span> [^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(await domainsOf(acme.id)).toEqual(['acme.example']);
  });

  it("when a moderator sets an organisation's own domains, under a public suffix too, then they are saved", async () => {
    const acme = await createOrganisation(t.ctx, { name: 'Acme', actor: SYSTEM_ACTOR });
    await setDomains(acme.id, 'acme.co.uk\nresearch.acme.example\nacme.github.io').expect(303);
    expect(await domainsOf(acme.id)).toEqual(['acme.co.uk', 'acme.github.io', 'research.acme.example']);
  });
});
