import pino, { type Logger } from 'pino';

/** Anything that can carry a credential is redacted wherever it appears in a log line. */
const REDACT = [
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-hubspot-signature"]',
  '*.headers["x-hubspot-signature-v3"]',
  'accessToken',
  '*.accessToken',
  'clientSecret',
  '*.clientSecret',
  'adminKey',
  '*.adminKey',
  'privacyKey',
  '*.privacyKey',
  'dashboardKey',
  '*.dashboardKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'referral-ops' } }, destination);
}

/** Database URLs may embed a password; logs and /healthz show them without it. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
