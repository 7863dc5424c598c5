/**
 * `npx tsx test/dashboard/screenshots.ts`: the README's screenshots of the dashboard, one per view at 1280 px and
 * the data view at 390 px, into docs/dashboard/. The platform gets a little traffic first (an API key used in a
 * burst and from a second client, a member's app grant, a fault that was hit, a secret that was read) so the views
 * have something to show.
 */
import { mkdirSync } from 'node:fs';
import { DEMO_MEMBER } from '../../demo/seed/index.ts';
import { startDashboard } from './harness.ts';

const OUT = new URL('../../docs/dashboard/', import.meta.url).pathname;
const VIEWS = ['data', 'members', 'keys', 'apps', 'secrets', 'usage', 'requests', 'faults'] as const;

const h = await startDashboard();
try {
  mkdirSync(OUT, { recursive: true });
  const { platform } = h;
  const key = platform.createApiKey({ name: 'Reporting job', permissions: ['WIX_DATA.READ_ITEMS'] });
  const app = platform.oauthApps.register({
    name: 'Northwind Analytics',
    redirectUris: ['https://analytics.example/callback'],
    scopes: ['wix-data.items.read'],
  });
  const member = platform.services.directory.findMemberByEmail(DEMO_MEMBER.email)!;
  platform.services.oauth.apps.createGrant({ clientId: app.clientId, subjectId: member.id, subjectRole: 'member', scopes: ['wix-data.items.read'] });
  platform.services.faults.add({ path: '/_api/cloud-data/v2/items/count', status: 503, times: 5 });
  platform.secrets.set('REPORTING_API_KEY', key);
  platform.secrets.read('REPORTING_API_KEY');

  const page = await h.signIn();
  const call = (userAgent: string, path = 'query') =>
    page.request.post(`${platform.url}/_api/cloud-data/v2/items/${path}`, {
      headers: { authorization: key, 'wix-site-id': platform.siteId, 'user-agent': userAgent },
      data: { dataCollectionId: 'Products', query: { paging: { limit: 1 } } },
    });
  for (let i = 0; i < 45; i++) await call('reporting-job/1.0');
  await call('unknown-script/0.1');
  await call('reporting-job/1.0', 'count');
  await page.request.post(`${platform.url}/_api/cloud-data/v2/items/query`, { data: { dataCollectionId: 'Orders' } });

  for (const view of VIEWS) {
    await page.evaluate((v) => (location.hash = v), view);
    await page.locator(`wl-${view}-view h2`).waitFor();
    if (view === 'data') {
      await page.getByRole('button', { name: /^Browse Product catalogue/ }).click();
      await page.getByText(/of 400 items/).waitFor();
      await page.locator('tbody tr[data-item]').first().getByRole('button', { name: /^Edit/ }).click();
    }
    await page.waitForTimeout(view === 'usage' || view === 'requests' || view === 'faults' ? 2500 : 400);
    await page.screenshot({ path: `${OUT}${view}.png`, fullPage: view !== 'requests' });
  }
  const narrow = await h.signIn({ width: 390, height: 844 });
  await narrow.getByRole('button', { name: /^Browse Product catalogue/ }).click();
  await narrow.getByText(/of 400 items/).waitFor();
  await narrow.screenshot({ path: `${OUT}data-390.png`, fullPage: false });
  const signInPage = await h.open('/', { width: 1280, height: 600 });
  await signInPage.getByRole('button', { name: 'Sign in' }).waitFor();
  await signInPage.screenshot({ path: `${OUT}sign-in.png` });
  process.stdout.write(`screenshots in ${OUT}\n`);
} finally {
  await h.close();
}
