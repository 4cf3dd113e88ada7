import { formatMoney } from '../../src/app/packages/domain/money';
import { translator } from '../i18n';
import { DEFAULT_BRAND, escapeHtml, layout as pageLayout, type Brand } from '../public-pages/layout';
import type { DashboardModel, FriendLine, Money, Progress, RewardStage } from './dashboard-data';
import { LISTED_FRIENDS } from './dashboard-data';
import type { Translate } from './messages';
import { shareBlock } from './share-block';

/**
 * The referrer's dashboard: server-rendered, no scripts (it works with JavaScript off and the CSP
 * allows none), every text from the message catalogue through `t`, every value escaped. Semantic
 * structure carries the meaning: one h1, a labelled section per topic, a table with headers for the
 * friends, labelled <progress> bars, and colours from the public pages' palette (contrast ≥ 4.5:1).
 */
const layout = (title: string, brand: Brand, body: string, head: string) => pageLayout({ t: translator('en'), title, brand, body, head });

export interface PageOptions {
  t: Translate;
  /** BCP 47 locale for amounts and dates (Intl). */
  locale: string;
}

export const DASHBOARD_STYLES = `<meta name="robots" content="noindex">
<style>
  main { max-width: 40rem; }
  h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
  .hint, .private { font-size: .9rem; color: #425b76; }
  .share { list-style: none; padding: 0; margin: .5rem 0; }
  .share a, td a { color: #0b5394; font-weight: 600; }
  dl.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr)); gap: .75rem; margin: 0; }
  dl.figures div { background: #f5f8fa; border-radius: 6px; padding: .6rem .75rem; }
  dl.figures dt { font-size: .85rem; color: #425b76; }
  dl.figures dd { margin: .2rem 0 0; font-size: 1.2rem; font-weight: 700; }
  progress { width: 100%; height: 1rem; }
  table { width: 100%; border-collapse: collapse; font-size: .92rem; }
  th, td { text-align: left; vertical-align: top; padding: .5rem .35rem; border-bottom: 1px solid #cbd6e2; }
  td .reason { display: block; color: #425b76; font-size: .85rem; }
</style>`;

export function dashboardPage(model: DashboardModel, { t, locale }: PageOptions): string {
  const { brand } = model.program.enrolment;
  const money = (m: Money) => formatMoney(m.amount, m.currency, locale);
  const number = (n: number) => new Intl.NumberFormat(locale).format(n);
  const body = `
<h1>${escapeHtml(t('dashboard.heading'))}</h1>
<p><strong>${escapeHtml(brand.headline)}</strong></p>
<p>${escapeHtml(t('dashboard.intro'))}</p>
<section aria-labelledby="link-heading">
<h2 id="link-heading">${escapeHtml(t('dashboard.link.heading'))}</h2>
${shareBlock({ link: model.link, headline: brand.headline, t })}
<p>${escapeHtml(t('dashboard.link.code', { code: model.code }))}</p>
</section>
<section aria-labelledby="activity-heading">
<h2 id="activity-heading">${escapeHtml(t('dashboard.activity.heading'))}</h2>
<dl class="figures">
${figure(t('dashboard.clicks'), number(model.clicks))}
${figure(t('dashboard.referred'), number(model.referred))}
${figure(t('dashboard.qualified'), number(model.progress.qualified))}
</dl>
</section>
<section aria-labelledby="rewards-heading">
<h2 id="rewards-heading">${escapeHtml(t('dashboard.rewards.heading'))}</h2>
${rewardsBlock(model.rewards, t, money)}
</section>
<section aria-labelledby="progress-heading">
<h2 id="progress-heading">${escapeHtml(t('dashboard.progress.heading'))}</h2>
${progressBlock(model.progress, t, money)}
</section>
<section aria-labelledby="friends-heading">
<h2 id="friends-heading">${escapeHtml(t('dashboard.friends.heading'))}</h2>
${friendsBlock(model, t, money, locale)}
</section>
<p class="private">${escapeHtml(t('dashboard.private'))}</p>`;
  return layout(t('dashboard.title'), brand, body, DASHBOARD_STYLES);
}

function figure(term: string, value: string): string {
  return `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`;
}

function rewardsBlock(rewards: Record<RewardStage, Money[]>, t: Translate, money: (m: Money) => string): string {
  const stages: Array<[RewardStage, Parameters<Translate>[0]]> = [
    ['pending', 'dashboard.rewards.pending'], ['approved', 'dashboard.rewards.approved'], ['issued', 'dashboard.rewards.issued'],
  ];
  if (stages.every(([stage]) => rewards[stage].length === 0)) return `<p>${escapeHtml(t('dashboard.rewards.none'))}</p>`;
  const total = (list: Money[]) => (list.length === 0 ? money({ amount: 0, currency: firstCurrency(rewards) }) : list.map(money).join(' + '));
  return `<dl class="figures">
${stages.map(([stage, key]) => figure(t(key), total(rewards[stage]))).join('\n')}
</dl>
${rewards.pending.length > 0 ? `<p class="hint">${escapeHtml(t('dashboard.rewards.pendingHint'))}</p>` : ''}`;
}

function firstCurrency(rewards: Record<RewardStage, Money[]>): string {
  return [...rewards.pending, ...rewards.approved, ...rewards.issued][0]!.currency;
}

function progressBar(id: string, label: string, value: number, max: number, text: string): string {
  return `<label for="${id}">${escapeHtml(label)}</label>
<progress id="${id}" max="${max}" value="${Math.min(value, max)}">${Math.min(value, max)} / ${max}</progress>
<p>${escapeHtml(text)}</p>`;
}

function progressBlock(p: Progress, t: Translate, money: (m: Money) => string): string {
  const parts: string[] = [];
  if (p.nextTier) {
    const remaining = p.nextTier.atQualified - p.qualified;
    parts.push(progressBar('tier-progress', t('dashboard.progress.tierLabel'), p.qualified, p.nextTier.atQualified,
      t('dashboard.progress.tier', { remaining, bonus: money(p.nextTier.bonus) })));
  } else if (p.nextTier === null) {
    parts.push(`<p>${escapeHtml(t('dashboard.progress.tiersDone'))}</p>`);
  }
  if (p.lifetimeCap) {
    const { count, cap } = p.lifetimeCap;
    parts.push(progressBar('cap-progress', t('dashboard.progress.capLabel'), count, cap,
      count >= cap ? t('dashboard.progress.capReached', { cap }) : t('dashboard.progress.cap', { count, cap })));
  }
  if (p.monthCap) {
    const { count, cap } = p.monthCap;
    parts.push(progressBar('month-cap-progress', t('dashboard.progress.monthCapLabel'), count, cap,
      count >= cap ? t('dashboard.progress.monthCapReached', { cap }) : t('dashboard.progress.monthCap', { count, cap })));
  }
  return parts.length > 0 ? parts.join('\n') : `<p>${escapeHtml(t('dashboard.progress.none'))}</p>`;
}

function friendsBlock(model: DashboardModel, t: Translate, money: (m: Money) => string, locale: string): string {
  if (model.friends.length === 0) return `<p>${escapeHtml(t('dashboard.friends.none'))}</p>`;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const row = (f: FriendLine) => `<tr>
<th scope="row">${escapeHtml(f.name ?? t('dashboard.friends.unnamed'))}</th>
<td>${escapeHtml(date.format(f.referredAt))}</td>
<td>${escapeHtml(t(`dashboard.status.${f.status}`))}<span class="reason">${escapeHtml(t(f.reason))}</span></td>
<td>${escapeHtml(f.reward ? t(`dashboard.reward.${f.reward.stage}`, { amount: money(f.reward) }) : t('dashboard.reward.none'))}</td>
</tr>`;
  const unlisted = model.referred - model.friends.length;
  return `<table>
<thead><tr><th scope="col">${escapeHtml(t('dashboard.friends.name'))}</th><th scope="col">${escapeHtml(t('dashboard.friends.referredOn'))}</th><th scope="col">${escapeHtml(t('dashboard.friends.status'))}</th><th scope="col">${escapeHtml(t('dashboard.friends.reward'))}</th></tr></thead>
<tbody>
${model.friends.map(row).join('\n')}
</tbody>
</table>
${unlisted > 0 && model.friends.length === LISTED_FRIENDS ? `<p>${escapeHtml(t('dashboard.friends.more', { count: unlisted }))}</p>` : ''}`;
}

/** Unknown, tampered, revoked or closed: one page, which says nothing about any enrolment. */
export function dashboardNotFoundPage(t: Translate): string {
  return layout(t('dashboard.notFound.title'), DEFAULT_BRAND, `
<h1>${escapeHtml(t('dashboard.notFound.heading'))}</h1>
<p>${escapeHtml(t('dashboard.notFound.body'))}</p>`, '<meta name="robots" content="noindex">');
}

/** A failure on our side: said plainly, nothing of the enrolment in it. */
export function dashboardErrorPage(t: Translate): string {
  return layout(t('dashboard.error.title'), DEFAULT_BRAND, `
<h1>${escapeHtml(t('dashboard.error.heading'))}</h1>
<p>${escapeHtml(t('dashboard.error.body'))}</p>`, '<meta name="robots" content="noindex">');
}

/** `/me` in a browser that was not handed a dashboard at sign-up: where the link is, nothing more. */
export function dashboardHandoverPage(t: Translate): string {
  return layout(t('dashboard.handover.title'), DEFAULT_BRAND, `
<h1>${escapeHtml(t('dashboard.handover.heading'))}</h1>
<p>${escapeHtml(t('dashboard.handover.body'))}</p>`, '<meta name="robots" content="noindex">');
}
