import { execFile } from 'node:child_process';
import { loadConfig } from '../../../server/config';

describe('configuration of the edge', () => {
  it('trusts no proxy unless told, then a hop count or the proxies by address', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, ::1 ,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '::1', 'loopback']);
    expect(loadConfig({ TRUST_PROXY: '2001:db8::/32' }).trustProxy).toEqual(['2001:db8::/32']);
  });

  it.each([
    ['true', /"true" would let every client choose its own address$/],
    ['10.0.0.0/33', /"10\.0\.0\.0\/33" has an invalid prefix length$/],
    ['proxy.internal', /"proxy\.internal" is not an IP address or CIDR range$/],
    ['10.0.0.1,', /"" is not an IP address or CIDR range$/],
    ['500', /500 hops is more than any real chain of proxies$/],
  ])('refuses TRUST_PROXY=%s in one line naming the variable', (value, reason) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Invalid configuration: TRUST_PROXY must be a hop count/);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(reason);
  });

  it('reads the drain and the limits, with defaults', () => {
    expect(loadConfig({})).toMatchObject({
      shutdownDrainMs: 10_000,
      rateLimits: { pageViews: 120, submissions: 20, linkMissesPerPrefix: 30, linkMisses: 300 },
    });
    const set = loadConfig({
      SHUTDOWN_DRAIN_MS: '2500', RATE_LIMIT_PAGE_VIEWS_PER_MINUTE: '60', RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '5',
      RATE_LIMIT_LINK_MISSES_PER_PREFIX_PER_MINUTE: '10', RATE_LIMIT_LINK_MISSES_PER_MINUTE: '100',
    });
    expect(set).toMatchObject({ shutdownDrainMs: 2500, rateLimits: { pageViews: 60, submissions: 5, linkMissesPerPrefix: 10, linkMisses: 100 } });
  });

  it('refuses a drain or a limit that is not a whole number', () => {
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: 'ten' })).toThrow(/^Invalid configuration: SHUTDOWN_DRAIN_MS must be a number of milliseconds$/);
    expect(() => loadConfig({ RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '0' })).toThrow(/^Invalid configuration: RATE_LIMIT_SUBMISSIONS_PER_MINUTE must be a whole number of submissions per minute, at least 1$/);
    expect(() => loadConfig({ RATE_LIMIT_LINK_MISSES_PER_MINUTE: '2.5' })).toThrow(/^Invalid configuration: RATE_LIMIT_LINK_MISSES_PER_MINUTE must be a whole number of unknown codes per minute, at least 1$/);
  });

  it('stops `npm start` with exit code 2 and one line naming TRUST_PROXY', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...process.env, TRUST_PROXY: 'true' } }, (err, _out, stderr) =>
        resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: TRUST_PROXY /)]);
  });
});
