import type { ContactStory, DashboardLinkRotation, FieldIssue } from '../../app/packages/contracts/app-functions';
import type { ContactLink, MatchPreview, WhyAnswer } from '../../app/packages/contracts/explain';
import type { InFlight, PortalOptions, PortalOwner } from '../../app/packages/contracts/portal-options';
import type { EventSubscriptionView } from '../../app/packages/contracts/events';

/** A failure talking to the reward service, already phrased for the person using the card. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface ServiceClientOptions {
  baseUrl: string;
  adminKey: string;
  /** `hubspot-user:<id>:<email>`, recorded by the service in its audit trail. */
  actor: string | null;
  fetch: typeof fetch;
}

interface ServiceErrorBody {
  error?: { code?: string; message?: string; details?: { issues?: FieldIssue[] } | null };
}

/** Turns the service's `{error:{code,message,details}}` answers into messages that say what to do. */
function toServiceError(status: number, body: ServiceErrorBody | null): ServiceError {
  const code = body?.error?.code ?? `HTTP_${status}`;
  const said = body?.error?.message;
  switch (true) {
    case status === 401 || status === 403:
      return new ServiceError(code, 'The referral service rejected the app\'s admin key. Ask a HubSpot admin to update the SERVICE_ADMIN_KEY secret of the Referral Ops app.');
    case status === 400 && Array.isArray(body?.error?.details?.issues):
      return new ServiceError(code, said ?? 'Some fields are not valid; fix the ones marked and save again.', body?.error?.details?.issues);
    case status === 404:
      return new ServiceError(code, said ?? 'The referral service does not know this record; refresh the card.');
    case status === 409:
      return new ServiceError(code, `${said ?? 'Someone changed this in the meantime.'} Refresh the card to see where it stands now.`);
    case status === 429:
      return new ServiceError(code, 'The referral service is busy right now. Wait a moment and try again.');
    case status >= 500:
      return new ServiceError(code, `The referral service had a problem (${said ?? `HTTP ${status}`}). Try again; if it keeps failing, tell your HubSpot admin.`);
    default:
      return new ServiceError(code, said ?? `The referral service refused the request (HTTP ${status}).`);
  }
}

/** The admin API of the reward service (docs/service-api.md), as the app functions use it. */
export function createServiceClient(options: ServiceClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.adminKey}`, accept: 'application/json' };
    if (options.actor) headers['x-referral-ops-actor'] = options.actor;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await options.fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ServiceError('UNREACHABLE', `The referral service at ${new URL(base).host} could not be reached. Try again in a minute; if it keeps failing, ask a HubSpot admin to check the SERVICE_URL secret.`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      if (response.ok) throw new ServiceError('BAD_ANSWER', `The referral service answered ${method} ${path} with something that is not JSON; check that SERVICE_URL points at the service.`);
    }
    if (!response.ok) throw toServiceError(response.status, parsed as ServiceErrorBody | null);
    return { status: response.status, data: parsed as T };
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    async getStory(contactId: string): Promise<ContactStory> {
      return (await call<ContactStory>('GET', `/api/contacts/${id(contactId)}/story`)).data;
    },
    async rotateDashboardLink(programId: string, contactId: string): Promise<DashboardLinkRotation> {
      return (await call<DashboardLinkRotation>('POST', `/api/programs/${id(programId)}/enrolments/${id(contactId)}/dashboard-link`, {})).data;
    },
    async approveReward(rewardId: string): Promise<unknown> {
      return (await call<{ reward: unknown }>('POST', `/api/rewards/${id(rewardId)}/approve`, {})).data.reward;
    },
    async rejectReward(rewardId: string, reason: string): Promise<unknown> {
      return (await call<{ reward: unknown }>('POST', `/api/rewards/${id(rewardId)}/reject`, { reason })).data.reward;
    },
    async enrol(programId: string, contactId: string): Promise<{ enrolment: unknown; created: boolean }> {
      const answer = await call<{ enrolment: unknown }>('POST', `/api/programs/${id(programId)}/enrolments`, { contactId });
      return { enrolment: answer.data.enrolment, created: answer.status === 201 };
    },
    async funnelReport(query: { from: string; to: string; interval: string; tz: string; program?: string | undefined }): Promise<unknown> {
      const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])));
      return (await call<unknown>('GET', `/api/reports/funnel?${params.toString()}`)).data;
    },
    async doctor(programId: string): Promise<{ ok: boolean; checks: unknown[] }> {
      return (await call<{ ok: boolean; checks: unknown[] }>('GET', `/api/programs/${id(programId)}/doctor`)).data;
    },
    async listPrograms(): Promise<unknown[]> {
      return (await call<{ programs: unknown[] }>('GET', '/api/programs')).data.programs;
    },
    async getProgram(programId: string): Promise<unknown> {
      return (await call<{ program: unknown }>('GET', `/api/programs/${id(programId)}`)).data.program;
    },
    /** `inFlight` comes with a saved active program: what the save reaches among referrals not yet decided. */
    async saveProgram(programId: string, program: unknown): Promise<{ program: unknown; inFlight?: InFlight }> {
      const { data } = await call<{ program: unknown; inFlight?: InFlight }>('PUT', `/api/programs/${id(programId)}`, program);
      return data.inFlight ? { program: data.program, inFlight: data.inFlight } : { program: data.program };
    },
    async inFlight(programId: string): Promise<InFlight> {
      return (await call<{ inFlight: InFlight }>('GET', `/api/programs/${id(programId)}/in-flight`)).data.inFlight;
    },
    async portalOptions(): Promise<PortalOptions> {
      return (await call<PortalOptions>('GET', '/api/portal/options')).data;
    },
    async searchOwners(q: string): Promise<PortalOwner[]> {
      return (await call<{ owners: PortalOwner[] }>('GET', `/api/portal/owners?${new URLSearchParams({ q }).toString()}`)).data.owners;
    },
    async ownersById(ids: string[]): Promise<PortalOwner[]> {
      return (await call<{ owners: PortalOwner[] }>('GET', `/api/portal/owners?${new URLSearchParams(ids.map((i) => ['id', i])).toString()}`)).data.owners;
    },
    async previewMatches(criteria: unknown[]): Promise<MatchPreview> {
      return (await call<MatchPreview>('POST', '/api/enrolment-preview', { criteria })).data;
    },
    async searchContacts(q: string): Promise<ContactLink[]> {
      return (await call<{ contacts: ContactLink[] }>('GET', `/api/contacts/search?${new URLSearchParams({ q }).toString()}`)).data.contacts;
    },
    async why(contactId: string, programId?: string): Promise<WhyAnswer> {
      const query = programId ? `?${new URLSearchParams({ program: programId }).toString()}` : '';
      return (await call<WhyAnswer>('GET', `/api/contacts/${id(contactId)}/why${query}`)).data;
    },
    async listSubscriptions(programId: string): Promise<EventSubscriptionView[]> {
      return (await call<{ subscriptions: EventSubscriptionView[] }>('GET', `/api/programs/${id(programId)}/event-subscriptions`)).data.subscriptions;
    },
    async createSubscription(programId: string, subscription: { url: string; secretRef: string; eventTypes: string[] }): Promise<EventSubscriptionView> {
      return (await call<{ subscription: EventSubscriptionView }>('POST', `/api/programs/${id(programId)}/event-subscriptions`, subscription)).data.subscription;
    },
    async setSubscriptionStatus(subscriptionId: string, status: 'active' | 'paused'): Promise<EventSubscriptionView> {
      return (await call<{ subscription: EventSubscriptionView }>('PATCH', `/api/event-subscriptions/${id(subscriptionId)}`, { status })).data.subscription;
    },
    async deleteSubscription(subscriptionId: string): Promise<void> {
      await call<null>('DELETE', `/api/event-subscriptions/${id(subscriptionId)}`);
    },
  };
}

export type ServiceClient = ReturnType<typeof createServiceClient>;
