import type { Response } from 'express';
import type { Translator } from '../i18n';
import { PAGE_SECURITY_POLICY } from '../public-pages/layout';
import { languageHeaders } from '../public-pages/page-language';

/**
 * Sends a public page with its Content-Security-Policy (by default: no scripts at all) and, for a
 * page in a negotiated language, the headers that say so.
 */
export function sendPage(res: Response, status: number, body: string, opts: { t?: Translator; policy?: string } = {}) {
  if (opts.t) languageHeaders(res, opts.t);
  res.status(status).setHeader('Content-Security-Policy', opts.policy ?? PAGE_SECURITY_POLICY).type('html').send(body);
}
