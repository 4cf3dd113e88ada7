import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ActionDefinitionError, resolveVariables } from '../workflows/action-definition';

/**
 * A project's `webhooks` component (`src/app/webhooks/webhooks-hsmeta.json`), read as an upload
 * reads it: `${VAR}` references resolved from the profile's variables, exactly the top-level keys
 * HubSpot allows, and the subscriptions HubSpot's webhooks component documents.
 */
export const DEFAULT_WEBHOOKS_FILE = path.resolve(__dirname, '../../src/app/webhooks/webhooks-hsmeta.json');

/**
 * Subscription types are read as any string: the sandbox sends the ones it models
 * (webhook-sender.ts) and ignores others, rather than refusing a project HubSpot may accept.
 */
const subscriptionSchema = z.looseObject({
  subscriptionType: z.string().min(1),
  objectType: z.string().min(1),
  propertyName: z.string().min(1).optional(),
  active: z.boolean().default(true),
});

/** `legacyCrmObjects` (`contact.deletion`) and `hubEvents` (`contact.privacyDeletion`) name no objectType. */
const otherSubscriptionSchema = z.looseObject({
  subscriptionType: z.string().min(1),
  propertyName: z.string().min(1).optional(),
  active: z.boolean().default(true),
});

const hsmetaSchema = z.strictObject({
  uid: z.string().min(1),
  type: z.literal('webhooks'),
  config: z.strictObject({
    settings: z.strictObject({
      targetUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
      maxConcurrentRequests: z.number().int().min(1).optional(),
    }),
    // The three lists HubSpot's webhooks component documents; the sandbox sends crmObjects events only.
    subscriptions: z.strictObject({
      crmObjects: z.array(subscriptionSchema).default([]),
      legacyCrmObjects: z.array(otherSubscriptionSchema).default([]),
      hubEvents: z.array(otherSubscriptionSchema).default([]),
    }),
  }),
  dependencies: z.unknown().optional(),
}).superRefine((doc, ctx) => {
  doc.config.subscriptions.crmObjects.forEach((s, i) => {
    if (s.subscriptionType === 'object.propertyChange' && !s.propertyName) {
      ctx.addIssue({ code: 'custom', path: ['config', 'subscriptions', 'crmObjects', i, 'propertyName'], message: 'object.propertyChange needs propertyName' });
    }
  });
});

export type WebhooksComponent = z.output<typeof hsmetaSchema>;
export type CrmSubscription = z.output<typeof subscriptionSchema> & { subscriptionId: number };

export interface WebhookSettings {
  uid: string;
  targetUrl: string;
  subscriptions: CrmSubscription[];
}

export function loadWebhooks(file: string, variables: Record<string, string>): WebhookSettings {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ActionDefinitionError(`cannot read webhooks file ${file}: ${(error as Error).message}`);
  }
  const parsed = hsmetaSchema.safeParse(resolveVariables(document, variables, file));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ActionDefinitionError(`${file} is not a valid webhooks hsmeta file: ${problems.join('; ')}`);
  }
  const { uid, config } = parsed.data;
  return {
    uid,
    targetUrl: config.settings.targetUrl,
    subscriptions: config.subscriptions.crmObjects.map((s, i) => ({ ...s, subscriptionId: 5000 + i })),
  };
}
