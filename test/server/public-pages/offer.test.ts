import { translator } from '../../../server/i18n';
import { offerSentences, rewardPhrase } from '../../../server/public-pages/offer';
import { buildProgram } from '../../domain/factories';

describe('the offer in words', () => {
  const en = translator('en');
  const de = translator('de');

  it('names each kind of fixed reward', () => {
    const phrase = (kind: 'cash' | 'credit' | 'gift_card' | 'discount') => rewardPhrase(en, { kind, amount: 2000, currency: 'USD' });
    expect([phrase('cash'), phrase('credit'), phrase('gift_card'), phrase('discount')])
      .toEqual(['$20 in cash', '$20 in credit', 'a $20 gift card', '$20 off']);
    expect(rewardPhrase(de, { kind: 'gift_card', amount: 5000, currency: 'EUR' })).toBe('einen Geschenkgutschein über 50\u00a0€');
  });

  it('says a revenue share as a percentage of the deal with its limits', () => {
    const share = (min?: number, max?: number) => rewardPhrase(en, {
      kind: 'credit', amount: 1000, currency: 'USD',
      revenueShare: { percent: 7.5, min, max, contactMilestoneDeal: 'first_closed_won_after_referral', reviewWithoutAmount: false },
    });
    expect(share()).toBe('7.5% of the deal value in credit');
    expect(share(1000, 100000)).toBe('7.5% of the deal value in credit (at least $10, at most $1,000)');
    expect(share(undefined, 100000)).toBe('7.5% of the deal value in credit (at most $1,000)');
    expect(share(1000)).toBe('7.5% of the deal value in credit (at least $10)');
  });

  it("states both sides and each tier for the referrer's pages", () => {
    const program = buildProgram({
      rewards: {
        referrer: { kind: 'gift_card', amount: 5000, currency: 'EUR' },
        friend: { kind: 'discount', amount: 2000, currency: 'EUR' },
        tiers: [{ atQualified: 10, bonus: { amount: 10000 } }, { atQualified: 5, bonus: { amount: 2500 } }],
      },
    });
    expect(offerSentences(de, program)).toEqual([
      'Du erhältst einen Geschenkgutschein über 50\u00a0€ für jede erfolgreiche Empfehlung.',
      'Wer über deinen Link kommt, erhält 20\u00a0€ Rabatt.',
      'Zusätzlich 25\u00a0€, sobald du 5 erfolgreiche Empfehlungen hast.',
      'Zusätzlich 100\u00a0€, sobald du 10 erfolgreiche Empfehlungen hast.',
    ]);
    expect(offerSentences(en, buildProgram({ rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'USD' } } })))
      .toEqual(['You get $50 in cash for every successful referral.']);
  });
});
