import type { MessageKey, Translator } from '../i18n';
import { escapeHtml, layout, type LanguageLinks } from '../public-pages/layout';
import { programWords } from '../public-pages/program-words';
import { SHARE_STYLES, shareBlock, shareMessage } from '../public-pages/share';
import type { DashboardModel, FriendLine, Money, Progress, RewardStage } from './dashboard-data';
import { LISTED_FRIENDS } from './dashboard-data';

/**
 * The referrer's dashboard: server-rendered in the public pages' layout and language, every text
 * from the i18n catalogues (`dashboard.*`), every value escaped. It works with JavaScript off; the
 * share block's one script only adds the copy and share-sheet buttons, so the page is served with
 * the share page's policy (`SHARE_PAGE_SECURITY_POLICY`). Semantic structure carries the meaning:
 * one h1, a labelled section per topic, a table with headers for the friends, labelled <progress>
 * bars, and colours from the public pages' palette (contrast ≥ 4.5:1).
 */

export interface PageOptions {
  t: Translator;
  /** The page in the program's other languages. */
  languages?: LanguageLinks | undefined;
}

/** Personal pages stay out of search engines, whatever the answer. */
const NOINDEX = '<meta name="robots" content="noindex">';

export const DASHBOARD_STYLES = `${NOINDEX}
<style>
  main { max-width: 40rem; }
  .hint, .private { font-size: .9rem; color: #425b76; }
  dl.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr)); gap: .75rem; margin: 0; }
  dl.figures div { background: #f5f8fa; border-radius: 6px; padding: .6rem .75rem; }
  dl.figures dt { font-size: .85rem; color: #425b76; }
  dl.figures dd { margin: .2rem 0 0; font-size: 1.2rem; font-weight: 700; }
  progress { width: 100%; height: 1rem; }
  table { width: 100%; border-collapse: collapse; font-size: .92rem; }
  th, td { text-align: left; vertical-align: top; padding: .5rem .35rem; border-bottom: 1px solid #cbd6e2; }
  td .reason { display: block; color: #425b76; font-size: .85rem; }
</style>`;

type Format = (m: Money) => string;

export function dashboardPage(model: DashboardModel, { t, languages }: PageOptions): string {
  const { program } = model;
  const words = programWords(program, t);
  const money: Format = (m) => t.money(m.amount, m.currency);
  const number = new Intl.NumberFormat(t.locale);
  const body = `
<h1>${escapeHtml(t.t('dashboard.heading'))}</h1>
<p><strong>${escapeHtml(words.headline)}</strong></p>
<p>${escapeHtml(t.t('dashboard.intro'))}</p>
<section aria-labelledby="link-heading">
<h2 id="link-heading">${escapeHtml(t.t('dashboard.link.heading'))}</h2>
${shareBlock({ t, link: model.link, code: model.code, message: shareMessage(t, program, model.link), subject: words.headline })}
</section>
<section aria-labelledby="activity-heading">
<h2 id="activity-heading">${escapeHtml(t.t('dashboard.activity.heading'))}</h2>
<dl class="figures">
${figure(t.t('dashboard.clicks'), number.format(model.clicks))}
${figure(t.t('dashboard.referred'), number.format(model.referred))}
${figure(t.t('dashboard.qualified'), number.format(model.progress.qualified))}
</dl>
</section>
<section aria-labelledby="rewards-heading">
<h2 id="rewards-heading">${escapeHtml(t.t('dashboard.rewards.heading'))}</h2>
${rewardsBlock(model.rewards, t, money)}
</section>
<section aria-labelledby="progress-heading">
<h2 id="progress-heading">${escapeHtml(t.t('dashboard.progress.heading'))}</h2>
${progressBlock(model.progress, t, money)}
</section>
<section aria-labelledby="friends-heading">
<h2 id="friends-heading">${escapeHtml(t.t('dashboard.friends.heading'))}</h2>
${friendsBlock(model, t, money)}
</section>
<p class="private">${escapeHtml(t.t('dashboard.private'))}</p>`;
  return layout({
    t, title: t.t('dashboard.title'), brand: program.enrolment.brand, body, head: DASHBOARD_STYLES + SHARE_STYLES,
    termsUrl: program.pages.termsUrl, languages,
  });
}

function figure(term: string, value: string): string {
  return `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`;
}

function rewardsBlock(rewards: Record<RewardStage, Money[]>, t: Translator, money: Format): string {
  const stages: Array<[RewardStage, MessageKey]> = [
    ['pending', 'dashboard.rewards.pending'], ['approved', 'dashboard.rewards.approved'], ['issued', 'dashboard.rewards.issued'],
  ];
  if (stages.every(([stage]) => rewards[stage].length === 0)) return `<p>${escapeHtml(t.t('dashboard.rewards.none'))}</p>`;
  const total = (list: Money[]) => (list.length === 0 ? money({ amount: 0, currency: firstCurrency(rewards) }) : list.map(money).join(' + '));
  return `<dl class="figures">
${stages.map(([stage, key]) => figure(t.t(key), total(rewards[stage]))).join('\n')}
</dl>
${rewards.pending.length > 0 ? `<p class="hint">${escapeHtml(t.t('dashboard.rewards.pendingHint'))}</p>` : ''}`;
}

function firstCurrency(rewards: Record<RewardStage, Money[]>): string {
  return [...rewards.pending, ...rewards.approved, ...rewards.issued][0]!.currency;
}

function progressBar(id: string, label: string, value: number, max: number, text: string): string {
  return `<label for="${id}">${escapeHtml(label)}</label>
<progress id="${id}" max="${max}" value="${Math.min(value, max)}">${Math.min(value, max)} / ${max}</progress>
<p>${escapeHtml(text)}</p>`;
}

function progressBlock(p: Progress, t: Translator, money: Format): string {
  const parts: string[] = [];
  if (p.nextTier) {
    const remaining = p.nextTier.atQualified - p.qualified;
    parts.push(progressBar('tier-progress', t.t('dashboard.progress.tierLabel'), p.qualified, p.nextTier.atQualified,
      t.t('dashboard.progress.tier', { remaining, bonus: money(p.nextTier.bonus) })));
  } else if (p.nextTier === null) {
    parts.push(`<p>${escapeHtml(t.t('dashboard.progress.tiersDone'))}</p>`);
  }
  if (p.lifetimeCap) {
    const { count, cap } = p.lifetimeCap;
    parts.push(progressBar('cap-progress', t.t('dashboard.progress.capLabel'), count, cap,
      count >= cap ? t.t('dashboard.progress.capReached', { cap }) : t.t('dashboard.progress.cap', { count, cap })));
  }
  if (p.monthCap) {
    const { count, cap } = p.monthCap;
    parts.push(progressBar('month-cap-progress', t.t('dashboard.progress.monthCapLabel'), count, cap,
      count >= cap ? t.t('dashboard.progress.monthCapReached', { cap }) : t.t('dashboard.progress.monthCap', { count, cap })));
  }
  return parts.length > 0 ? parts.join('\n') : `<p>${escapeHtml(t.t('dashboard.progress.none'))}</p>`;
}

function friendsBlock(model: DashboardModel, t: Translator, money: Format): string {
  if (model.friends.length === 0) return `<p>${escapeHtml(t.t('dashboard.friends.none'))}</p>`;
  const row = (f: FriendLine) => `<tr>
<th scope="row">${escapeHtml(f.name ?? t.t('dashboard.friends.unnamed'))}</th>
<td>${escapeHtml(t.date(f.referredAt))}</td>
<td>${escapeHtml(t.t(`dashboard.status.${f.status}`))}<span class="reason">${escapeHtml(t.t(f.reason))}</span></td>
<td>${escapeHtml(f.reward ? t.t(`dashboard.reward.${f.reward.stage}`, { amount: money(f.reward) }) : t.t('dashboard.reward.none'))}</td>
</tr>`;
  const unlisted = model.referred - model.friends.length;
  return `<table>
<thead><tr><th scope="col">${escapeHtml(t.t('dashboard.friends.name'))}</th><th scope="col">${escapeHtml(t.t('dashboard.friends.referredOn'))}</th><th scope="col">${escapeHtml(t.t('dashboard.friends.status'))}</th><th scope="col">${escapeHtml(t.t('dashboard.friends.reward'))}</th></tr></thead>
<tbody>
${model.friends.map(row).join('\n')}
</tbody>
</table>
${unlisted > 0 && model.friends.length === LISTED_FRIENDS ? `<p>${escapeHtml(t.t('dashboard.friends.more', { count: unlisted }))}</p>` : ''}`;
}

/**
 * Unknown, tampered, revoked or closed: one page, which says nothing about any enrolment. Its
 * language comes from the request alone (among every shipped language), and it has no links to
 * other languages, which would repeat the address: the bytes are the same for every bad token.
 */
export function dashboardNotFoundPage(t: Translator): string {
  return plainPage(t, 'dashboard.notFound.title', 'dashboard.notFound.heading', 'dashboard.notFound.body');
}

/** A failure on our side: said plainly, nothing of the enrolment in it. */
export function dashboardErrorPage(t: Translator): string {
  return plainPage(t, 'dashboard.error.title', 'dashboard.error.heading', 'dashboard.error.body');
}

/** `/me` in a browser that was not handed a dashboard at sign-up: where the link is, nothing more. */
export function dashboardHandoverPage(t: Translator): string {
  return plainPage(t, 'dashboard.handover.title', 'dashboard.handover.heading', 'dashboard.handover.body');
}

/** A page of no program: the service's own look, no brand, no terms. */
function plainPage(t: Translator, title: MessageKey, heading: MessageKey, text: MessageKey): string {
  return layout({ t, title: t.t(title), head: NOINDEX, body: `
<h1>${escapeHtml(t.t(heading))}</h1>
<p>${escapeHtml(t.t(text))}</p>` });
}
