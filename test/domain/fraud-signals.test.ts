import { aliasRules, fraudSignals, type SignalEvidence } from '../../src/app/packages/domain/fraud-signals';
import { normaliseEmail } from '../../src/app/packages/domain/email';

const DISPOSABLE = new Set(['mailinator.com', 'yopmail.com']);
const FREE_MAIL = new Set(['gmail.com', 'yahoo.com', 'outlook.com']);

function address(raw: string) {
  const n = normaliseEmail(raw);
  if (!n.ok) throw new Error(raw);
  return { email: n.email, normalised: n.normalised };
}

/** A normal referral: a friend on a free-mail address, another browser, nobody busy. */
function buildEvidence(overrides: Partial<SignalEvidence> = {}): SignalEvidence {
  return {
    friend: address('ben.friend@gmail.com'),
    referrer: address('anna@northwind.io'),
    isDisposableDomain: (d) => DISPOSABLE.has(d),
    isFreeMailDomain: (d) => FREE_MAIL.has(d),
    browser: { sameBrowserAsReferrer: false, sameIpAsReferrer: false },
    recent: { fromReferrer: 1, fromIp: 1, fromBrowser: 1 },
    velocity: { windowMinutes: 60, friendsPerReferrer: 5, capturesPerIp: 5, capturesPerBrowser: 3 },
    ...overrides,
  };
}

const flagsOf = (e: SignalEvidence) => fraudSignals(e).map((s) => s.flag);

describe('fraud signals', () => {
  it('a normal referral raises none', () => {
    expect(fraudSignals(buildEvidence())).toEqual([]);
  });

  describe('disposable email', () => {
    it('fires for a domain on the disposable list, naming the domain', () => {
      expect(fraudSignals(buildEvidence({ friend: address('ben@mailinator.com') }))).toEqual([
        { flag: 'disposable_email', reason: "The friend's email domain mailinator.com is a known disposable (throwaway) email provider" },
      ]);
    });
    it('does not fire for a free-mail or company domain', () => {
      expect(flagsOf(buildEvidence({ friend: address('ben@gmail.com') }))).toEqual([]);
      expect(flagsOf(buildEvidence({ friend: address('ben@contoso.io') }))).toEqual([]);
    });
  });

  describe('shared company domain', () => {
    it('fires when referrer and friend share a domain that is not free mail', () => {
      expect(fraudSignals(buildEvidence({ friend: address('ben@northwind.io') }))).toEqual([
        { flag: 'same_email_domain_as_referrer', reason: 'The friend and the referrer share the company email domain northwind.io' },
      ]);
    });
    it('does not fire when both are on a free-mail provider', () => {
      expect(flagsOf(buildEvidence({ friend: address('ben@gmail.com'), referrer: address('anna@gmail.com') }))).toEqual([]);
    });
    it('does not fire on a shared disposable domain (that is the disposable flag)', () => {
      expect(flagsOf(buildEvidence({ friend: address('ben@yopmail.com'), referrer: address('anna@yopmail.com') }))).toEqual(['disposable_email']);
    });
    it('does not fire without the referrer address', () => {
      expect(flagsOf(buildEvidence({ friend: address('ben@northwind.io'), referrer: undefined }))).toEqual([]);
    });
  });

  describe('email alias of the referrer', () => {
    it('fires for a +tag and says so', () => {
      expect(fraudSignals(buildEvidence({ friend: address('anna+friend@northwind.io') }))).toEqual([
        { flag: 'email_alias_of_referrer', reason: "The friend's email differs from the referrer's only by a +tag" },
      ]);
    });
    it('fires for dots, and for dots with a tag and letter case, naming each rule', () => {
      expect(aliasRules('a.n.na@northwind.io', 'anna@northwind.io')).toEqual(['dots']);
      expect(aliasRules('A.nna+x@northwind.io', 'anna@northwind.io')).toEqual(['a +tag', 'dots', 'letter case']);
      expect(fraudSignals(buildEvidence({ friend: address('a.nna@northwind.io') }))[0]?.reason)
        .toBe("The friend's email differs from the referrer's only by dots");
    });
    it('replaces the shared-domain flag, which would say less', () => {
      expect(flagsOf(buildEvidence({ friend: address('an.na@northwind.io') }))).toEqual(['email_alias_of_referrer']);
    });
    it('does not fire for another name on the same domain, nor the same name elsewhere', () => {
      expect(aliasRules('annabel@northwind.io', 'anna@northwind.io')).toEqual([]);
      expect(aliasRules('anna+x@contoso.io', 'anna@northwind.io')).toEqual([]);
      expect(flagsOf(buildEvidence({ friend: address('anna@gmail.com'), referrer: address('anna.b@gmail.com') }))).toEqual([]);
    });
  });

  describe('same browser or address as the referrer', () => {
    it('fires for the browser the referrer signed up with', () => {
      expect(fraudSignals(buildEvidence({ browser: { sameBrowserAsReferrer: true, sameIpAsReferrer: false } }))).toEqual([
        { flag: 'same_browser_as_referrer', reason: 'The friend submitted from the browser the referrer signed up with' },
      ]);
    });
    it("fires for the referrer's network address", () => {
      expect(flagsOf(buildEvidence({ browser: { sameBrowserAsReferrer: false, sameIpAsReferrer: true } }))).toEqual(['same_ip_as_referrer']);
    });
    it('cannot fire for a submission that did not come from a browser', () => {
      expect(flagsOf(buildEvidence({ browser: undefined }))).toEqual([]);
    });
  });

  describe('velocity', () => {
    it('fires when one referrer brings more friends than the program allows in its window', () => {
      expect(fraudSignals(buildEvidence({ recent: { fromReferrer: 6, fromIp: 1, fromBrowser: 1 } }))).toEqual([
        { flag: 'high_velocity', reason: 'Within 1 hour: 6 friends from this referrer (more than 5)' },
      ]);
    });
    it('fires for one network address or one browser, with the program window', () => {
      const e = buildEvidence({
        recent: { fromReferrer: 1, fromIp: 3, fromBrowser: 3 },
        velocity: { windowMinutes: 30, friendsPerReferrer: 5, capturesPerIp: 2, capturesPerBrowser: 2 },
      });
      expect(fraudSignals(e)).toEqual([
        { flag: 'high_velocity', reason: 'Within 30 minutes: 3 referrals from one network address (more than 2); 3 referrals from one browser (more than 2)' },
      ]);
    });
    it('does not fire at the limit', () => {
      expect(flagsOf(buildEvidence({ recent: { fromReferrer: 5, fromIp: 5, fromBrowser: 3 } }))).toEqual([]);
    });
    it('ignores address and browser counts of submissions that did not come from a browser', () => {
      expect(flagsOf(buildEvidence({ browser: undefined, recent: { fromReferrer: 1, fromIp: 50, fromBrowser: 50 } }))).toEqual([]);
    });
  });
});
