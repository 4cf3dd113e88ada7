import { hubspot } from '@hubspot/ui-extensions';
import type {
  ContactStory,
  FunctionResult,
  ReferralStoryAnswer,
  StoryEnrolment,
  StoryReferral,
  StoryReferredBy,
  StoryReward,
} from '../../src/app/packages/contracts/app-functions';

export function buildEnrolment(overrides: Partial<StoryEnrolment> = {}): StoryEnrolment {
  return {
    programId: 'spring-2026',
    programName: 'Spring referrals',
    code: 'ANNA-7K2Q',
    link: 'https://referrals.example.com/r/ANNA-7K2Q',
    status: 'active',
    createdAt: '2026-03-02T10:00:00.000Z',
    counts: { referred: 3, qualified: 2, rewarded: 1 },
    rewardsTotal: [{ currency: 'EUR', amount: 5000 }],
    ...overrides,
  };
}

export function buildReferral(overrides: Partial<StoryReferral> = {}): StoryReferral {
  return {
    id: 'ref-1',
    programId: 'spring-2026',
    referredContactId: '901',
    email: 'ben@example.org',
    status: 'qualified',
    capturedAt: '2026-03-10T09:00:00.000Z',
    qualifiedAt: '2026-04-01T09:00:00.000Z',
    flags: [],
    ...overrides,
  };
}

export function buildReferredBy(overrides: Partial<StoryReferredBy> = {}): StoryReferredBy {
  return {
    referralId: 'ref-9',
    programId: 'spring-2026',
    referrerContactId: '700',
    referrerCode: 'ANNA-7K2Q',
    status: 'qualified',
    capturedAt: '2026-03-10T09:00:00.000Z',
    qualifiedAt: '2026-04-01T09:00:00.000Z',
    flags: [],
    reason: null,
    evidence: null,
    ...overrides,
  };
}

export function buildReward(overrides: Partial<StoryReward> = {}): StoryReward {
  return {
    id: 'rew-1',
    referralId: 'ref-1',
    recipient: 'referrer',
    recipientContactId: '123',
    kind: 'gift_card',
    amount: 2500,
    currency: 'EUR',
    status: 'approved',
    holdUntil: null,
    createdAt: '2026-04-01T09:00:00.000Z',
    reviewReasons: [],
    ...overrides,
  };
}

export function buildStory(overrides: Partial<ContactStory> = {}): ContactStory {
  return { contactId: '123', enrolments: [], referrals: [], referredBy: null, rewards: [], manualEnrolmentPrograms: [], ...overrides };
}

export function buildStoryAnswer(story: Partial<ContactStory> = {}, contacts: ReferralStoryAnswer['contacts'] = {}): ReferralStoryAnswer {
  return { story: buildStory(story), contacts };
}

type Handler = (parameters: Record<string, unknown>) => FunctionResult<unknown> | Promise<FunctionResult<unknown>>;

/**
 * Replaces HubSpot's function runner (the only network boundary of the UI) with handlers keyed by
 * function name; unknown names fail like a missing function would.
 */
export function mockFunctions(handlers: Record<string, Handler>) {
  const calls: Array<{ name: string; parameters: Record<string, unknown>; propertiesToSend?: string[] }> = [];
  const spy = jest.spyOn(hubspot, 'serverless').mockImplementation(async (name, options) => {
    const parameters = (options?.parameters ?? {}) as Record<string, unknown>;
    calls.push({ name, parameters, propertiesToSend: options?.propertiesToSend });
    const handler = handlers[name];
    if (!handler) throw new Error(`Function ${name} not found`);
    return handler(parameters);
  });
  return { calls, spy, handlers };
}

export const ok = <T>(data: T): FunctionResult<T> => ({ ok: true, data });
export const fail = (code: string, message: string, issues?: { path: string; message: string }[]): FunctionResult<never> => ({
  ok: false,
  error: issues ? { code, message, issues } : { code, message },
});
