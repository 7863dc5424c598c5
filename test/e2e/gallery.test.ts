/**
 * End to end through the element gallery (demo/gallery/): every element as a site widget (session from the
 * host) and on a Velo site (page code in a frame, the bridge), the Editor placeholders, the no-session states
 * and a platform fault forcing an error state. Playwright in Chromium against `npm run dev`'s config.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright';
import { assertNoSidewaysScroll, startDemo, type DemoServer } from './serve-demo.ts';

let demo: DemoServer;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.close();
});

const openGallery = () => demo.open('/gallery/', { width: 1300, height: 1600 });
const velo = (page: Page, specimen: string): FrameLocator => page.frameLocator(`iframe[src*="specimen=${specimen}"]`);
const rows = (table: Locator) => table.locator('[role=row][data-row]');

async function signIn(page: Page, email: string, password: string) {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${email}`).waitFor();
}

async function feedbackCount(page: Page): Promise<number> {
  // Feedback is readable by the owner only: count it with the backend's API key from the local Secrets Manager.
  const secrets = demo.secrets();
  const answer = await page.request.post(`${demo.baseUrl}/_api/cloud-data/v2/items/count`, {
    headers: { authorization: secrets['DATA_ADMIN_API_KEY']!, 'wix-site-id': secrets['DATA_ADMIN_SITE_ID']! },
    data: { dataCollectionId: 'Feedback' },
  });
  assert.equal(answer.status(), 200);
  return ((await answer.json()) as { totalCount: number }).totalCount;
}

describe('the element gallery', () => {
  it('the data table works in both hosts: rows, search on the server, chips, sorting and keyboard selection', async () => {
    const page = await openGallery();
    const widget = page.locator('#table-widget');
    const inVelo = velo(page, 'table').locator('#specimen');
    await widget.getByText('400 items').waitFor();
    await inVelo.getByText('400 items').waitFor();
    assert.ok((await rows(widget).count()) >= 5);
    assert.ok((await rows(inVelo).count()) >= 5);

    await widget.locator('[part=search]').fill('lantern');
    await widget
      .getByText(/^\d+ items?/)
      .filter({ hasNotText: '400 items' })
      .waitFor();
    const titles = await rows(widget).locator('[data-col="0"]').allTextContents();
    assert.ok(titles.length > 0 && titles.every((t) => /lantern/i.test(t)), `search results: ${titles.join(' | ')}`);

    await inVelo.locator('[part=chip]', { hasText: 'Footwear' }).click();
    await inVelo.getByText(/^(?!400 )\d+ items/).waitFor();
    const categories = await rows(inVelo).locator('[data-col="2"]').allTextContents();
    assert.ok(categories.length > 0 && categories.every((c) => c === 'Footwear'));

    // In the gallery's half-width column Price is past the right edge (the edge shadow says so). Arrow keys move
    // along the header and scroll it into view; a click then sorts.
    const priceHeader = widget.locator('[role=columnheader]', { hasText: 'Price' });
    const edges = () => widget.evaluate((el) => el.shadowRoot?.querySelector('[role=grid]')?.getAttribute('data-more'));
    assert.equal(await edges(), 'end');
    await widget.locator('[role=columnheader]', { hasText: 'Product' }).locator('button').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    // The edge shadows follow the body's scroll event, which lands after the key press returns.
    await page
      .waitForFunction(
        () => document.querySelector('#table-widget')?.shadowRoot?.querySelector('[role=grid]')?.getAttribute('data-more') === 'start end',
        undefined,
        { timeout: 5000 },
      )
      .catch(() => undefined);
    assert.equal(await edges(), 'start end');
    await priceHeader.locator('button').click();
    await page.waitForFunction(() => document.querySelector('#table-widget')?.shadowRoot?.querySelector('[aria-sort=ascending]'));
    // Keyboard: into the grid, down to the first row, select it with Space.
    await priceHeader.locator('button').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await widget.getByText('1 selected').waitFor();
    await page.context().close();
  });

  it('the form inserts once per submission in both hosts, validates, and a visitor is refused on a members-only collection', async () => {
    const page = await openGallery();
    const before = await feedbackCount(page);
    const widget = page.locator('#form-widget');
    await widget.getByRole('button', { name: 'Send feedback' }).click();
    await widget
      .getByText(/required|Fill in/i)
      .first()
      .waitFor();
    await widget.getByLabel('Your name').fill('Ada');
    await widget.getByLabel('Email').fill('ada@example.com');
    await widget.getByLabel('Rating (1 to 5)').fill('9');
    await widget.getByLabel('Message').fill('Great tents.');
    await widget.getByRole('button', { name: 'Send feedback' }).click();
    assert.equal(await widget.getByLabel('Rating (1 to 5)').getAttribute('aria-invalid'), 'true');
    await widget.getByLabel('Rating (1 to 5)').fill('5');
    await widget.getByRole('button', { name: 'Send feedback' }).dblclick();
    await widget.getByText('Thanks! Your feedback was saved.').waitFor();

    const inVelo = velo(page, 'form').locator('#specimen');
    await inVelo.getByLabel('Your name').fill('Grace');
    await inVelo.getByLabel('Email').fill('grace@example.com');
    await inVelo.getByLabel('Rating (1 to 5)').fill('4');
    await inVelo.getByLabel('Message').fill('Through page code.');
    await inVelo.getByRole('button', { name: 'Send feedback' }).click();
    await inVelo.getByText('Thanks! Your feedback was saved.').waitFor();
    assert.equal(await feedbackCount(page), before + 2, 'one item per submission, the double click included');

    const notes = page.locator('#memberForm-widget');
    await notes.getByRole('textbox', { name: /^Note/ }).fill('Visitor note');
    await notes.getByRole('button', { name: 'Save note' }).click();
    await notes
      .getByText(/permission/i)
      .first()
      .waitFor();
    await page.context().close();
  });

  it('the member gate and the members-only form follow sign-in, in both hosts', async () => {
    const page = await openGallery();
    await page.locator('#gate-widget[state=visitor]').waitFor({ state: 'attached' });
    await velo(page, 'gate').locator('#specimen[state=visitor]').waitFor({ state: 'attached' });
    await signIn(page, 'member@example.com', 'demo-member-pass');
    await page.locator('#gate-widget[state=member]').waitFor({ state: 'attached' });
    await page.locator('#gate-widget').getByText('Members see this: welcome back!').waitFor();
    await velo(page, 'gate').locator('#specimen[state=member]').waitFor({ state: 'attached' });

    const notes = velo(page, 'memberForm').locator('#specimen');
    await notes.getByRole('textbox', { name: /^Note/ }).fill('A note from page code');
    await notes.getByRole('button', { name: 'Save note' }).click();
    await notes.getByText('Note saved. Only you can read it.').waitFor();
    await page.context().close();
  });

  it('the action button runs in both hosts; the admin action asks first and is refused for a visitor', async () => {
    const page = await openGallery();
    await page.locator('#action-widget').getByRole('button', { name: 'Count products per category' }).click();
    await page.locator('#action-widget').getByText('Counted.').waitFor();
    const inVelo = velo(page, 'action').locator('#specimen');
    await inVelo.getByRole('button', { name: 'Count products per category' }).click();
    await inVelo.getByText('Counted.').waitFor();

    const admin = page.locator('#adminAction-widget');
    await admin.getByRole('button', { name: 'Mark order 1 as shipped' }).click();
    await admin.getByText('Mark order 1 as shipped? The customer is told.').waitFor();
    await admin.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#adminAction-widget[state=error]').waitFor({ state: 'attached' });
    const veloAdmin = velo(page, 'adminAction').locator('#specimen');
    await veloAdmin.getByRole('button', { name: 'Mark order 1 as shipped' }).click();
    await veloAdmin.getByRole('button', { name: 'Confirm' }).click();
    await velo(page, 'adminAction').locator('#specimen[state=error]').waitFor({ state: 'attached' });
    // The refusal is in the visitor's words: no backend path ("data-admin.web/updateOrderStatus") in either host.
    for (const refused of [admin, veloAdmin]) {
      const text = await refused.evaluate((el) => el.shadowRoot?.textContent ?? '');
      assert.doesNotMatch(text, /\.web\/|data-admin|requires the \w+ permission/, text);
    }
    await page.context().close();
  });

  it('a fault forced at the platform shows the table error state, and Try again recovers', async () => {
    const page = await openGallery();
    const widget = page.locator('#table-widget');
    await widget.getByText('400 items').waitFor();
    await page.getByRole('button', { name: 'Force an error: next data query answers 500' }).click();
    await widget.getByText('Could not load').waitFor();
    await widget.getByRole('button', { name: 'Try again' }).click();
    await widget.getByText('400 items').waitFor();

    await page.getByRole('button', { name: 'Force an error: next action answers 500' }).click();
    await page.locator('#action-widget').getByRole('button', { name: 'Count products per category' }).click();
    await page.locator('#action-widget[state=error]').waitFor({ state: 'attached' });
    await page.context().close();
  });

  it('in the Editor every element is a placeholder with no request; with no session each says it is not connected', async () => {
    const page = await openGallery();
    const editor = page.frameLocator('iframe[src*="mode=editor"]');
    await editor.getByText('Shows the "Products" collection as a sortable').waitFor();
    for (const tag of ['wix-data-table', 'wix-data-form', 'wix-member-gate', 'wix-backend-action', 'wix-data-list']) {
      assert.equal(await editor.locator(`${tag} [role=alert], ${tag} [role=grid]`).count(), 0, `${tag}: no error or data in the Editor`);
    }
    assert.equal(await editor.locator('wix-member-gate[state=editor]').count(), 1);
    const bare = page.frameLocator('iframe[src*="mode=bare"]');
    await bare.locator('wix-data-table').getByText('Not connected').waitFor();
    await bare.locator('wix-data-form[state=not-connected]').waitFor({ state: 'attached' });
    await bare.locator('wix-backend-action[state=not-connected]').waitFor({ state: 'attached' });
    await page.context().close();
  });

  it('the dark theme switch changes the elements through color-scheme, and no token reaches the page', async () => {
    const page = await openGallery();
    await page.locator('#table-widget').getByText('400 items').waitFor();
    // The submit button's background is the accent token, whose default follows color-scheme.
    const accent = () =>
      page.evaluate(() => getComputedStyle(document.querySelector('#form-widget')!.shadowRoot!.querySelector('[part~=submit]')!).backgroundColor);
    const light = await accent();
    await page.getByLabel(/Dark theme/).check();
    assert.notEqual(await accent(), light);
    const html = await page.evaluate(() =>
      [document.documentElement.outerHTML, ...[...document.querySelectorAll('*')].map((e) => e.shadowRoot?.innerHTML ?? '')].join('\n'),
    );
    assert.doesNotMatch(html, /OauthNG|JWS\.|eyJ[\w-]+\./);
    for (const secret of Object.values(demo.secrets())) assert.ok(!html.includes(secret), 'a secret reached the gallery');
    await page.context().close();
  });

  it('shows every element, <wix-oauth-connect> too, in both hosts: a visitor is asked to sign in, a member may connect', async () => {
    const page = await openGallery();
    const widget = page.locator('#oauth-widget');
    const inVelo = velo(page, 'oauth').locator('#specimen');
    assert.equal(await widget.evaluate((el) => el.localName), 'wix-oauth-connect');
    assert.equal(await inVelo.evaluate((el) => el.localName), 'wix-oauth-connect');
    await signIn(page, 'member@example.com', 'demo-member-pass');
    await widget.getByText('No Wix site connected').waitFor();
    await inVelo.getByText('No Wix site connected').waitFor();
    await widget.getByRole('button', { name: /^Connect/ }).waitFor();
    await inVelo.getByRole('button', { name: /^Connect/ }).waitFor();
    const bare = page.frameLocator('iframe[src*="mode=bare"]');
    await bare.locator('wix-oauth-connect').waitFor({ state: 'attached' });
    await page.context().close();
  });

  it('no page scrolls sideways at any width from 360 px up (one column under 2 × 22rem), signed out or in', async () => {
    const page = await demo.open('/gallery/', { width: 1280, height: 900 });
    await page.locator('#table-widget').getByText('400 items').waitFor();
    for (const signedIn of [false, true]) {
      if (signedIn) await signIn(page, 'member@example.com', 'demo-member-pass');
      for (const width of [360, 390, 414, 600, 768, 1024, 1280, 1440]) {
        await assertNoSidewaysScroll(page, width, signedIn ? 'signed in' : 'signed out');
      }
    }
    await page.context().close();
  });

  it('every frame is as tall as its content (nothing cut, no empty band), also after sign-in', async () => {
    const page = await openGallery();
    await velo(page, 'table').locator('#specimen').getByText('400 items').waitFor();
    const check = async (when: string) => {
      // Let the frames settle (their content loads, then the observer sets the height).
      await page.waitForFunction(() =>
        [...document.querySelectorAll('iframe')].every((f) => f.contentDocument?.readyState === 'complete' && f.contentDocument.body.children.length > 0),
      );
      await page.waitForTimeout(500);
      const frames = await page.evaluate(() =>
        [...document.querySelectorAll('iframe')].map((f) => {
          const doc = f.contentDocument!;
          const style = getComputedStyle(doc.body);
          const content = doc.body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
          return {
            src: f.getAttribute('src'),
            frame: f.clientHeight,
            content,
            scroll: doc.documentElement.scrollHeight,
            client: doc.documentElement.clientHeight,
          };
        }),
      );
      assert.ok(frames.length >= 9, `${frames.length} frames`);
      for (const f of frames) {
        assert.ok(f.scroll <= f.client + 1, `${when}: ${f.src} cuts its content (${f.scroll} px in ${f.client} px)`);
        assert.ok(f.frame - f.content <= 2 || f.content < 96, `${when}: ${f.src} leaves ${Math.round(f.frame - f.content)} px empty`);
      }
    };
    await check('signed out');
    await signIn(page, 'member@example.com', 'demo-member-pass');
    await velo(page, 'gate').locator('#specimen[state=member]').waitFor({ state: 'attached' });
    await check('signed in');
    await page.context().close();
  });

  it('the dark theme reaches the Velo frames (no white frame in dark mode)', async () => {
    const page = await openGallery();
    await velo(page, 'table').locator('#specimen').getByText('400 items').waitFor();
    const backgrounds = () =>
      page.evaluate(() => [...document.querySelectorAll('iframe')].map((f) => getComputedStyle(f.contentDocument!.body).backgroundColor));
    assert.ok((await backgrounds()).every((b) => b === 'rgb(255, 255, 255)'));
    await page.getByLabel(/Dark theme/).check();
    assert.deepEqual(new Set(await backgrounds()), new Set(['rgb(21, 25, 31)']));
    // A frame that loads again (a sign-in reloads the Velo frames) keeps the theme.
    await signIn(page, 'member@example.com', 'demo-member-pass');
    await velo(page, 'gate').locator('#specimen[state=member]').waitFor({ state: 'attached' });
    assert.deepEqual(new Set(await backgrounds()), new Set(['rgb(21, 25, 31)']));
    await page.getByLabel(/Dark theme/).uncheck();
    assert.ok((await backgrounds()).every((b) => b === 'rgb(255, 255, 255)'));
    await page.context().close();
  });
});
