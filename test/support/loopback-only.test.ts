import net from 'node:net';
import { Client } from '@hubspot/api-client';
import { isLoopbackHost, LOOPBACK_ONLY_CODE, takeRefusals } from './loopback-only';

/** 10.255.255.1 is private and unrouted: if the guard let it through, the attempt would hang or fail differently. */
const OUTSIDE = '10.255.255.1';

function connectError(options: net.NetConnectOpts): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    socket.once('connect', () => reject(new Error('connected')));
    socket.once('error', resolve);
  });
}

async function listening(host: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

function greeting(options: net.NetConnectOpts): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    net.connect(options).setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text)).on('error', reject);
  });
}

describe('tests reach loopback only', () => {
  afterEach(() => takeRefusals());

  it('refuses a connection to a non-loopback address before anything is sent, naming it', async () => {
    const error = await connectError({ host: OUTSIDE, port: 443 });
    expect(error.code).toBe(LOOPBACK_ONLY_CODE);
    expect(error.message).toBe(`tests may only connect to loopback (127.0.0.0/8, ::1, localhost); refused ${OUTSIDE}:443`);
  });

  it('refuses fetch to the outside world', async () => {
    const failure = await fetch(`http://${OUTSIDE}:8080/`).then(() => undefined, (e: Error) => e);
    expect((failure?.cause as NodeJS.ErrnoException | undefined)?.code).toBe(LOOPBACK_ONLY_CODE);
  });

  it('refuses the official HubSpot client left on its default base URL, naming the host it tried', async () => {
    const client = new Client({ accessToken: 'not-a-token', numberOfApiCallRetries: 0 });
    const failure = await client.crm.contacts.basicApi.getPage(1).then(() => undefined, (e: Error) => e);
    expect((failure?.cause as Error | undefined)?.message).toMatch(/refused api\.hubapi\.com:443$/);
  });

  it('records a refusal the code under test swallowed, so the test that made it still fails', async () => {
    await connectError({ host: 'example.com', port: 80 });
    expect(takeRefusals()).toEqual(['tests may only connect to loopback (127.0.0.0/8, ::1, localhost); refused example.com:80']);
    expect(takeRefusals()).toEqual([]);
  });

  it.each(['127.0.0.1', 'localhost'])('lets connections to %s through', async (host) => {
    const server = await listening('127.0.0.1');
    try {
      const { port } = server.address() as net.AddressInfo;
      expect(await greeting({ host, port, family: 4 })).toBe('hello');
      expect(takeRefusals()).toEqual([]);
    } finally {
      server.close();
    }
  });

  it.each([
    ['127.0.0.1', true], ['127.255.0.9', true], ['localhost', true], ['LOCALHOST', true], ['::1', true], ['[::1]', true],
    ['::ffff:127.0.0.1', true], ['10.255.255.1', false], ['128.0.0.1', false], ['0.0.0.0', false], ['::', false],
    ['::ffff:10.0.0.1', false], ['api.hubapi.com', false], ['localhost.example.com', false], ['127.0.0.1.nip.io', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
