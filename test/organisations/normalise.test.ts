import { describe, expect, it } from 'vitest';
import { organisationKey } from '../../server/organisations/normalise.js';
import { coveringDomain, isWithinDomain } from '../../server/lib/email-domain.js';
import { normaliseOrganisationDomain } from '../../server/organisations/verified-domains.js';

describe('organisationKey', () => {
  it.each([
    ['NVIDIA Corp.', 'Nvidia'],
    ['nvidia corporation', 'NVIDIA'],
    ['Ｎｖｉｄｉａ Inc', 'nvidia'],
    ['I.B.M.', 'IBM'],
    ['Hewlett-Packard Co., Ltd.', 'hewlett packard'],
    ['Société Générale S.A.', 'Societe Generale'],
    ['The Linux Foundation', 'Linux Foundation'],
    ['Johnson & Johnson', 'Johnson and Johnson'],
    ['Siemens AG', 'SIEMENS GMBH'],
    ['  Example   Org  ', 'example org'],
  ])('when "%s" and "%s" are typed, then they match', (a, b) => {
    expect(organisationKey(a)).toBe(organisationKey(b));
    expect(organisationKey(a)).not.toBe('');
  });

  it.each([
    ['Nvidia', 'Nvidia Research'],
    ['Meta', 'Metabase'],
    ['Co', 'Corp'],
  ])('when "%s" and "%s" are typed, then they differ', (a, b) => {
    expect(organisationKey(a)).not.toBe(organisationKey(b));
  });

  it('when a name is only a legal form, then the word is kept rather than folded to nothing', () => {
    expect(organisationKey('Company')).toBe('company');
    expect(organisationKey('...')).toBe('');
  });
});

describe('domains', () => {
  it('when an address domain is checked against an organisation domain, then only the domain itself and its subdomains are within it', () => {
    expect(isWithinDomain('nvidia.com', 'nvidia.com')).toBe(true);
    expect(isWithinDomain('mail.nvidia.com', 'nvidia.com')).toBe(true);
    expect(isWithinDomain('nvidia.com.evil.io', 'nvidia.com')).toBe(false);
    expect(isWithinDomain('evilnvidia.com', 'nvidia.com')).toBe(false);
    expect(isWithinDomain('nvidia.co', 'nvidia.com')).toBe(false);
    expect(coveringDomain('a.research.nvidia.com', ['nvidia.com', 'research.nvidia.com', 'evil.io'])).toBe('research.nvidia.com');
  });

  it('when organisers type a domain with decoration, then it is reduced to the domain', () => {
    expect(normaliseOrganisationDomain('@NVIDIA.com')).toBe('nvidia.com');
    expect(normaliseOrganisationDomain('https://www.nvidia.com/about')).toBe('nvidia.com');
    expect(normaliseOrganisationDomain('*.nvidia.com.')).toBe('nvidia.com');
    expect(normaliseOrganisationDomain('bücher.de')).toBe('xn--bcher-kva.de');
  });

  it('when the domain is not a domain or is a public mail service, then 422', () => {
    for (const bad of ['nvidia', '10.0.0.1', 'not a domain', '', 'gmail.com', 'Outlook.com']) {
      expect(() => normaliseOrganisationDomain(bad)).toThrow(expect.objectContaining({ status: 422 }));
    }
  });
});
