import { createApp } from '../../../server/app';
import { createCaptureFeature } from '../../../server/capture/routes';
import { createSignupFeature, type SignupFeatureOptions } from '../../../server/signup/routes';
import type { ProgramInput } from '../../../src/domain/program';
import { buildProgram, createProgram, startStack, type Stack, type StackOptions } from '../enrolment/fixtures';

/** The enrolment test stack (sandbox portal, database) serving sign-up and capture. */
export async function startSignupStack(opts: StackOptions & { signup?: Omit<SignupFeatureOptions, 'gateway'> } = {}): Promise<Stack> {
  const stack = await startStack(opts);
  const app = createApp(stack.ctx, [
    createSignupFeature({ ...opts.signup, gateway: () => stack.gateway }),
    createCaptureFeature({ gateway: () => stack.gateway }),
  ]);
  return { ...stack, app };
}

/** A program open to sign-ups (and HubSpot enrolment). */
export function buildSignupProgram(overrides: Partial<ProgramInput> = {}): ProgramInput {
  const base = buildProgram();
  return { ...base, ...overrides, enrolment: { paths: ['hubspot', 'signup'], ...overrides.enrolment } };
}

export const createSignupProgram = (stack: Stack, overrides: Partial<ProgramInput> = {}) =>
  createProgram(stack, buildSignupProgram(overrides));

let person = 0;
/** A sign-up as the JSON API takes it. */
export function buildSignup(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  person++;
  return { programId: 'spring', email: `referrer${person}@example.com`, firstname: `Rita${person}`, lastname: 'Referrer', consent: true, ...overrides };
}
