/**
 * Takes the README's screenshots of the demo and the gallery at 1280 and 390 px, signed out and in, with Chromium
 * against `npm run dev`'s config: `node --import tsx docs/screenshots/capture.ts` writes docs/screenshots/*.png.
 */
import { startDemo } from '../../test/e2e/serve-demo.ts';
import type { Page } from 'playwright';

const OUT = new URL('./', import.meta.url).pathname;
const demo = await startDemo();

/** Waits until what each page shows has loaded: lists, the log, the frames. */
async function settle(page: Page, path: string, signedIn: boolean): Promise<void> {
  if (path === '/') {
    await page.locator('#catalogue [part="item"]').first().waitFor();
    await page.locator('#log tbody tr').nth(3).waitFor();
    if (signedIn) await page.locator('#notes [part="item"]').first().waitFor();
    await page.frameLocator('#velo-site').locator('#productList [part="item"]').first().waitFor();
  } else {
    await page.locator('#table-widget').getByText('400 items').waitFor();
    await page.frameLocator('iframe[src*="specimen=table"]').locator('#specimen').getByText('400 items').waitFor();
    if (signedIn) await page.locator('#gate-widget[state=member]').waitFor({ state: 'attached' });
  }
  await page.waitForTimeout(1500);
}

try {
  for (const [path, name] of [
    ['/', 'demo'],
    ['/gallery/', 'gallery'],
  ] as const) {
    for (const width of [1280, 390]) {
      for (const signedIn of [false, true]) {
        const page = await demo.open(path, { width, height: 900 });
        if (signedIn) {
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByText('Signed in as member@example.com').waitFor();
        }
        await settle(page, path, signedIn);
        const file = `${OUT}${name}-${width}-${signedIn ? 'signed-in' : 'signed-out'}.png`;
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
        await page.context().close();
      }
    }
  }
} finally {
  await demo.close();
}
