import net from 'node:net';
import request from 'supertest';
import { startHarness, type Harness } from '../../support/harness';

/** Sends raw bytes and reads everything the server answers until it closes the connection. */
function rawExchange(url: string, bytes: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

describe('answers at the edge of the service', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers a malformed request line with 400 in the documented error shape', async () => {
    const res = await rawExchange(h.url, 'THIS IS NOT HTTP\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'BAD_REQUEST', message: 'The request is not valid HTTP', details: null } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers oversized headers with 431 and a body that says what is too large', async () => {
    const res = await rawExchange(h.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large (cookies are the usual cause)', details: null },
    });
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
  });

  it('puts nosniff and the referrer policy on every answer: pages, redirects, JSON, errors', async () => {
    const answers = await Promise.all([
      request(h.url).get('/refer'),
      request(h.url).get('/r/NOSUCHCODE'),
      request(h.url).get('/healthz'),
      request(h.url).get('/no-such-route'),
      request(h.url).get('/api/programs'),
      request(h.url).post('/api/referrals').send('{"broken'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 302, 200, 404, 401, 400]);
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
  });
});
