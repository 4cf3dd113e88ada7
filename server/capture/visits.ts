import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Db } from '../db/database';
import type { VisitTable } from '../db/schema';
import { clientKey } from '../http/client-address';
import { browserCookie, readBrowserId } from './cookie';

/** Where a browser request came from: our browser id (set now when it had none) and its network address. */
export interface Visitor {
  browser: string;
  ip: string;
}

/** The visitor of a browser request; gives a browser without our cookie a new id. */
export function visitorOf(req: Request, res: Response, secure: boolean): Visitor {
  let browser = readBrowserId(req.get('cookie'));
  if (!browser) {
    browser = `b_${randomUUID().replace(/-/g, '')}`;
    res.append('Set-Cookie', browserCookie(browser, { secure }));
  }
  return { browser, ip: clientKey(req) };
}

/** Records a visit; a capture's visit has the claim's id, so finishing the capture twice records it once. */
export async function recordVisit(db: Db, visit: Omit<VisitTable, 'id'> & { id?: string }): Promise<void> {
  await db.insertInto('visits').values({ ...visit, id: visit.id ?? `vis_${randomUUID().replace(/-/g, '')}` })
    .onConflict((oc) => oc.doNothing()).execute();
}
