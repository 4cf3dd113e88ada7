import { hubspot } from '@hubspot/ui-extensions';
import { createPageRouter, PageRoutes } from '@hubspot/ui-extensions/pages';
import { HomePage } from './Home';

// The app's pages as platform 2026.03 defines them: a `page` component whose entrypoint hands a
// router to `hubspot.extend<'pages'>`. One route today; further pages become further routes.
const PageRouter = createPageRouter(
  <PageRoutes>
    <PageRoutes.IndexRoute component={ReferralHome} />
  </PageRoutes>,
);

function ReferralHome() {
  return <HomePage />;
}

export function ReferralPages() {
  return <PageRouter />;
}

hubspot.extend<'pages'>(() => <ReferralPages />);
