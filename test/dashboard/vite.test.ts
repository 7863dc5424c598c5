/**
 * The dashboard under `npm run dev` (the Vite dev server with the platform mounted, HTTP/2 over TLS): on its own
 * origin, https://dashboard.localhost:<port> (the demo's `/_dashboard/` redirects there and keeps `/`), its modules
 * load (HTTP/2 has no Host header, only :authority), and the owner signs in with the run's control secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemo, type DemoServer } from '../e2e/serve-demo.ts';

let demo: DemoServer;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.close();
});

describe('the dashboard on the Vite dev server', () => {
  it('is on its own origin (the demo’s /_dashboard/ leads there), loads its modules over HTTP/2, and signs the owner in with the control secret', async () => {
    const page = await demo.open('/_dashboard/');
    const dashboard = new URL(demo.baseUrl);
    dashboard.hostname = 'dashboard.localhost';
    assert.equal(new URL(page.url()).origin, dashboard.origin);
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.getByLabel('Control secret').fill(demo.controlSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sites and collections' }).waitFor();
    await page.getByRole('button', { name: /^Browse Product catalogue/ }).click();
    await page.getByText(/of 400 items/).waitFor();
    assert.deepEqual(failed, []);
    const root = await (await page.request.get(`${demo.baseUrl}/`)).text();
    assert.ok(!root.includes('<wl-dashboard'), 'the demo keeps the root');
    // The demo's origin (the site's, where its HTTP functions' HTML lives) has no dashboard API, and the dashboard's
    // origin serves nothing of the demo.
    const misdirected = await page.request.get(`${demo.baseUrl}/_dashboard/api/session`, { headers: { 'x-wix-local-dashboard': '1' } });
    assert.equal(misdirected.status(), 421);
    // (From the page: Node's resolver does not know *.localhost, the browser does.)
    assert.equal(await page.evaluate(() => fetch('/index.html').then((r) => r.status)), 404);
    await page.context().close();
  });
});
