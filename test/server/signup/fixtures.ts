import { createCaptureFeature } from '../../../server/capture/routes';
import { createSignupFeature, type SignupFeatureOptions } from '../../../server/signup/routes';
import type { ProgramInput } from '../../../src/app/packages/domain/program';
import { buildProgram, createProgram, startHarness, type Harness, type HarnessOptions } from '../../support/harness';

/** The harness serving sign-up (with the test's options) and capture, where sign-up links lead. */
export function startSignupHarness(opts: Omit<HarnessOptions, 'features'> & { signup?: Omit<SignupFeatureOptions, 'gateway'> } = {}): Promise<Harness> {
  const { signup, ...harness } = opts;
  return startHarness({
    ...harness,
    features: (gateway) => [createSignupFeature({ ...signup, gateway: () => gateway }), createCaptureFeature({ gateway: () => gateway })],
  });
}

/** A program open to sign-ups (and HubSpot enrolment). */
export function buildSignupProgram(overrides: Partial<ProgramInput> = {}): ProgramInput {
  return buildProgram({ ...overrides, enrolment: { paths: ['hubspot', 'signup'], ...overrides.enrolment } });
}

export const createSignupProgram = (h: Harness, overrides: Partial<ProgramInput> = {}) =>
  createProgram(h, buildSignupProgram(overrides));

let person = 0;
/** A sign-up as the JSON API takes it. */
export function buildSignup(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  person++;
  return { programId: 'spring', email: `referrer${person}@example.com`, firstname: `Rita${person}`, lastname: 'Referrer', consent: true, ...overrides };
}
