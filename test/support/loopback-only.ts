import dns from 'node:dns';
import net from 'node:net';

/**
 * Tests talk to this machine only: the service, the sandbox portal, PostgreSQL and Chromium all listen
 * on loopback. A connection anywhere else means a test depends on the outside world (a real HubSpot
 * portal, a forgotten default base URL), so it is refused here, before any packet is sent, and the
 * test that tried fails even if the code under test swallowed the error and retried.
 *
 * Jest loads this file once per test file, but `net` and `dns` are the worker's own modules, shared by
 * every file it runs: the patch is installed once and its record of refusals lives beside it.
 */

export const LOOPBACK_ONLY_CODE = 'ERR_TEST_NON_LOOPBACK';

interface Guard {
  /** Refusals not yet claimed by a test that expected them. */
  refused: string[];
}

const GUARD = Symbol.for('referral-ops.test.loopback-only');
type Guarded = { [GUARD]?: Guard };

/** Loopback by address or by the one name that always means it. Anything else is refused. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

function refusal(guard: Guard, target: string): Error {
  const message = `tests may only connect to loopback (127.0.0.0/8, ::1, localhost); refused ${target}`;
  guard.refused.push(message);
  return Object.assign(new Error(message), { code: LOOPBACK_ONLY_CODE });
}

/** Where a `Socket#connect` call is headed, in any of the forms Node accepts; `undefined` for a local pipe. */
function destination(args: unknown[]): { host: string; port: unknown } | undefined {
  // net.connect and tls.connect pass their already normalised [options, callback] pair.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (options.path !== undefined) return undefined;
    return { host: typeof options.host === 'string' ? options.host : 'localhost', port: options.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined;
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

function install(): Guard {
  const proto = net.Socket.prototype as net.Socket & Guarded;
  const installed = proto[GUARD];
  if (installed) return installed;
  const guard: Guard = { refused: [] };
  proto[GUARD] = guard;

  const connect = proto.connect as (...args: unknown[]) => net.Socket;
  proto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const to = destination(args);
    if (to && !isLoopbackHost(to.host)) {
      // Reported the way a refused connection is: an 'error' event after the current turn, once the caller
      // (http, tls, a driver) has attached its listeners, as it would have for ECONNREFUSED.
      const error = refusal(guard, `${to.host}:${String(to.port)}`);
      setImmediate(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  } as typeof proto.connect;

  const lookup = dns.lookup as (...args: unknown[]) => void;
  dns.lookup = function guardedLookup(hostname: unknown, ...rest: unknown[]) {
    if (typeof hostname === 'string' && !net.isIP(hostname) && !isLoopbackHost(hostname)) {
      const callback = rest[rest.length - 1];
      const error = refusal(guard, `a DNS lookup of ${hostname}`);
      if (typeof callback === 'function') process.nextTick(() => callback(error));
      return {};
    }
    return lookup(hostname, ...rest);
  } as typeof dns.lookup;
  return guard;
}

const guard = install();

/** For the test that proves the guard: returns the refusals so far and forgets them, so that test can pass. */
export function takeRefusals(): string[] {
  return guard.refused.splice(0);
}

afterEach(() => {
  const refused = takeRefusals();
  if (refused.length > 0) throw new Error(`this test reached for the network outside this machine:\n  ${refused.join('\n  ')}`);
});
