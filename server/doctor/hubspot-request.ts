/**
 * A bare HubSpot API call that reports the status instead of throwing: the doctor needs to tell a
 * missing scope (403) from a missing record (404), which the official client folds into one error.
 */
export interface HubSpotConnection {
  accessToken: string;
  apiBase: string;
}

export interface HubSpotAnswer {
  status: number;
  body: unknown;
}

export async function hubspotRequest(conn: HubSpotConnection, method: string, path: string, body?: unknown): Promise<HubSpotAnswer> {
  const res = await fetch(`${conn.apiBase}${path}`, {
    method,
    headers: { authorization: `Bearer ${conn.accessToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text: a proxy's HTML error page is still worth showing
  }
  return { status: res.status, body: parsed };
}

export function hubspotMessage(answer: HubSpotAnswer): string {
  const body = answer.body as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : `HTTP ${answer.status}`;
}
