import type { Request } from 'express';

/** Raw bytes are kept: HubSpot signatures are computed over the body exactly as sent. */
export type RawBodyRequest = Request & { rawBody?: Buffer };
