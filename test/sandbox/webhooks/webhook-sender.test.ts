import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Portal } from '../../../sandbox/portal';
import { signatureV1, signatureV3 } from '../../../sandbox/signing';
import { WebhookSender } from '../../../sandbox/webhooks/webhook-sender';
import { VirtualScheduler } from '../../../sandbox/workflows/scheduler';
import { startActionReceiver, type ActionReceiver } from '../workflows/support/action-receiver';

const SECRET = 'webhook-test-secret';

function webhooksFile(config: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'webhooks-')), 'webhooks-hsmeta.json');
  writeFileSync(file, JSON.stringify({ uid: 'hooks', type: 'webhooks', config }));
  return file;
}

const buildConfig = (crmObjects: unknown[]) => ({ settings: { targetUrl: '${SERVICE_URL}/hubspot/webhooks' }, subscriptions: { crmObjects } });

let receiver: ActionReceiver;
let sender: WebhookSender | undefined;
beforeEach(async () => {
  receiver = await startActionReceiver();
});
afterEach(async () => {
  sender?.close();
  sender = undefined;
  await receiver.close();
});

function startSender(file: string, portal = new Portal(), scheduler = new VirtualScheduler()) {
  sender = new WebhookSender({ portal, clientSecret: SECRET, variables: { SERVICE_URL: receiver.baseUrl }, file, scheduler, portalId: 77 });
  return { portal, scheduler, sender };
}

describe('the webhooks component, read as an upload reads it', () => {
  test('the project’s own file is valid and subscribes to deal stage changes and contact deletions', () => {
    const { sender: s } = startSender(path.resolve(__dirname, '../../../src/app/webhooks/webhooks-hsmeta.json'));
    expect(s.settings.targetUrl).toBe(`${receiver.baseUrl}/hubspot/webhooks`);
    expect(s.settings.subscriptions).toEqual([
      expect.objectContaining({ subscriptionType: 'object.propertyChange', objectType: 'deal', propertyName: 'dealstage', active: true }),
      expect.objectContaining({ subscriptionType: 'object.deletion', objectType: 'contact', active: true }),
    ]);
  });

  test.each([
    ['an unknown variable', { settings: { targetUrl: '${NOPE}/hooks' }, subscriptions: { crmObjects: [] } }, 'no variable "NOPE"'],
    ['a property change without propertyName', buildConfig([{ subscriptionType: 'object.propertyChange', objectType: 'deal' }]), 'object.propertyChange needs propertyName'],
    ['a target that is not a URL', { settings: { targetUrl: 'hooks' }, subscriptions: { crmObjects: [] } }, 'config.settings.targetUrl'],
  ])('refuses %s, naming it', (_name, config, problem) => {
    expect(() => startSender(webhooksFile(config))).toThrow(problem);
  });
});

describe('deliveries', () => {
  test('a created contact is an object.creation event, signed v3 and v1; inactive subscriptions send nothing', async () => {
    const file = webhooksFile(buildConfig([
      { subscriptionType: 'object.creation', objectType: 'contact' },
      { subscriptionType: 'object.propertyChange', objectType: 'contact', propertyName: 'lifecyclestage', active: false },
    ]));
    const { portal, scheduler, sender: s } = startSender(file);
    const contact = portal.create('contacts', { email: 'ada@example.org', lifecyclestage: 'lead' });
    portal.update('contacts', contact.id, { lifecyclestage: 'customer' });
    await s.idle();

    expect(receiver.calls).toHaveLength(1);
    const [call] = receiver.calls;
    expect(JSON.parse(call!.rawBody)).toEqual([expect.objectContaining({
      subscriptionType: 'object.creation', objectId: Number(contact.id), objectTypeId: '0-1', portalId: 77, attemptNumber: 0, changeFlag: 'CREATED',
    })]);
    const timestamp = Number(call!.headers['x-hubspot-request-timestamp']);
    expect(timestamp).toBe(scheduler.now());
    expect(call!.headers['x-hubspot-signature-v3']).toBe(signatureV3({ clientSecret: SECRET, method: 'POST', url: call!.url, body: call!.rawBody, timestamp }));
    expect(call!.headers['x-hubspot-signature']).toBe(signatureV1({ clientSecret: SECRET, body: call!.rawBody }));
    expect(call!.headers['x-hubspot-signature-version']).toBe('v1');
  });

  test('a target that keeps failing is retried 10 times, 1 min doubling, then given up', async () => {
    const file = webhooksFile(buildConfig([{ subscriptionType: 'object.creation', objectType: 'contact' }]));
    receiver.replyWith({ status: 400, body: { message: 'no' } });
    const { portal, scheduler, sender: s } = startSender(file);
    portal.create('contacts', { email: 'bob@example.org' });
    await s.idle();
    await scheduler.advance(24 * 3_600_000);
    await s.idle();

    const [delivery] = s.deliveries();
    expect(delivery!.status).toBe('FAILED');
    const times = delivery!.attempts.map((a) => Date.parse(a.at));
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 60_000);
    expect(gaps).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect(receiver.calls.map((c) => (JSON.parse(c.rawBody) as Array<{ attemptNumber: number }>)[0]!.attemptNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
