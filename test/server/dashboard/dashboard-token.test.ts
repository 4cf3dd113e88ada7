import { loadConfig } from '../../../server/config';
import { dashboardLinksFor } from '../../../server/dashboard/dashboard-token';

const config = { publicBaseUrl: 'https://refer.example.com', hubspot: { clientSecret: 'client-secret-0123456789' } };
const enrolment = { id: 'enr_0123456789abcdef0123456789abcdef', dashboard_token_version: 3 };
const tokenOf = (url: string) => url.slice('https://refer.example.com/me/'.length);

describe('dashboard links', () => {
  const links = dashboardLinksFor(config);

  it('names the enrolment and its version under the service address, and verifies back to them', () => {
    const url = links.urlFor(enrolment)!;
    expect(url).toMatch(/^https:\/\/refer\.example\.com\/me\/enr_0123456789abcdef0123456789abcdef\.3\.[A-Za-z0-9_-]{43}$/);
    expect(links.verify(tokenOf(url))).toEqual({ enrolmentId: enrolment.id, version: 3 });
  });

  it('refuses a token changed anywhere, or signed with another key', () => {
    const token = tokenOf(links.urlFor(enrolment)!);
    for (let i = 0; i < token.length; i++) {
      const changed = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
      expect(links.verify(changed)).toBeUndefined();
    }
    const other = dashboardLinksFor({ ...config, hubspot: { clientSecret: 'another-secret' } });
    expect(other.verify(token)).toBeUndefined();
    expect(links.verify(`${token}=`)).toBeUndefined();
    expect(links.verify('')).toBeUndefined();
  });

  it('DASHBOARD_LINK_KEY, when set, signs instead of the client secret', () => {
    const keyed = dashboardLinksFor({ ...config, dashboardKey: 'k'.repeat(32) });
    const token = tokenOf(keyed.urlFor(enrolment)!);
    expect(keyed.verify(token)).toEqual({ enrolmentId: enrolment.id, version: 3 });
    expect(links.verify(token)).toBeUndefined();
  });

  it('without any key makes no links and opens none', () => {
    const keyless = dashboardLinksFor({ ...config, hubspot: { clientSecret: undefined } });
    expect(keyless.urlFor(enrolment)).toBeUndefined();
    expect(keyless.verify(tokenOf(links.urlFor(enrolment)!))).toBeUndefined();
  });

  it('DASHBOARD_LINK_KEY is configured like the other secrets: too short a key stops the start, naming it', () => {
    expect(() => loadConfig({ DASHBOARD_LINK_KEY: 'short' })).toThrow('Invalid configuration: DASHBOARD_LINK_KEY must be at least 32 characters');
    expect(loadConfig({ DASHBOARD_LINK_KEY: 'k'.repeat(32) }).dashboardKey).toBe('k'.repeat(32));
  });
});
