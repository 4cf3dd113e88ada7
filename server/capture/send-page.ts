import type { Response } from 'express';
import { PAGE_SECURITY_POLICY } from './landing-page';

/** Sends a public page with its Content-Security-Policy (by default: no scripts at all). */
export function sendPage(res: Response, status: number, body: string, policy = PAGE_SECURITY_POLICY) {
  res.status(status).setHeader('Content-Security-Policy', policy).type('html').send(body);
}
