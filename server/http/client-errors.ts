import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { SECURITY_HEADERS } from './security-headers';

/**
 * Node answers requests it cannot parse (a malformed request line, headers past the size limit)
 * before Express sees them, with an empty body. This answers them in the service's error shape.
 */
export function answerClientError(err: NodeJS.ErrnoException & { bytesParsed?: number }, socket: Socket): void {
  // The peer is gone or the answer has started: nothing sensible can be written any more.
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, code, message] = classify(err.code);
  const body = JSON.stringify({ error: { code, message, details: null } });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

/** Status, error code and message; the codes beside those of server/errors.ts exist only at this level. */
function classify(nodeCode: string | undefined): [number, string, string] {
  if (nodeCode === 'HPE_HEADER_OVERFLOW') {
    return [431, 'HEADERS_TOO_LARGE', 'The request headers are too large (cookies are the usual cause)'];
  }
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive'];
  return [400, 'BAD_REQUEST', 'The request is not valid HTTP'];
}
