import { expect, fixture, html } from '@open-wc/testing';
import { setupIgnoreWindowResizeObserverLoopErrors } from '@lit-labs/virtualizer/support/resize-observer-errors.js';
import '../../elements/data-table/define.ts';
import '../../elements/data-list/define.ts';
import '../../elements/data-form/define.ts';
import '../../elements/member-gate/define.ts';
import '../../elements/backend-action/define.ts';
import '../../elements/oauth-connect/define.ts';
import { anonymousToken } from './helpers.ts';

const host = location.host;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `scenario` with console.warn recorded; Lit's dev build reports its misuse warnings there. */
async function warningsDuring(scenario: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.map(String).join(' '));
  try {
    await scenario();
  } finally {
    console.warn = original;
  }
  return seen;
}

/** Every element, connected with a visitor token, then changed through its attributes. */
const ELEMENTS = [
  { tag: 'wix-data-table', attributes: { collection: 'Numbers', columns: 'title, n:N:number', sort: 'n:asc' }, change: ['sort', 'n:desc'] },
  { tag: 'wix-data-list', attributes: { collection: 'Numbers', fields: 'title', sort: 'n' }, change: ['page-size', '5'] },
  {
    tag: 'wix-data-form',
    attributes: { collection: 'FormEntries', fields: '[{"field":"title","label":"Title","required":true}]' },
    change: ['submit-label', 'Send'],
  },
  { tag: 'wix-member-gate', attributes: {}, change: ['connect-timeout', '100'] },
  { tag: 'wix-backend-action', attributes: { action: 'categoryCounts', label: 'Count' }, change: ['label', 'Count again'] },
  { tag: 'wix-oauth-connect', attributes: { 'site-name': 'Northwind HQ' }, change: ['site-name', 'HQ'] },
] as const;

// The virtualizer's benign ResizeObserver-loop notification (see data-table.test.ts).
setupIgnoreWindowResizeObserverLoopErrors(beforeEach, afterEach);

describe('no Lit dev-mode warnings', () => {
  afterEach(() => {
    delete (window as { commonConfig?: unknown }).commonConfig;
  });

  for (const { tag, attributes, change } of ELEMENTS) {
    it(`<${tag}>: connecting, loading, an attribute change, not connected and the Editor placeholder`, async () => {
      const warnings = await warningsDuring(async () => {
        const connected = await fixture<HTMLElement & { accessTokenListener(g: () => Promise<string>): void }>(html`<div></div>`).then((box) => {
          const el = document.createElement(tag) as HTMLElement & { accessTokenListener(g: () => Promise<string>): void; updateComplete: Promise<unknown> };
          el.setAttribute('api-base-url', host);
          for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
          box.append(el);
          return el;
        });
        connected.accessTokenListener(anonymousToken);
        await sleep(600);
        connected.setAttribute(change[0], change[1]);
        await sleep(300);
        const lonely = document.createElement(tag);
        lonely.setAttribute('connect-timeout', '50');
        document.body.append(lonely);
        // Past connect-timeout: each element shows its no-session state (asserted in each element's own tests).
        await sleep(300);
        expect(lonely.shadowRoot?.querySelector('*'), 'something rendered').to.not.equal(null);
        lonely.remove();
        (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
        const placeholder = document.createElement(tag);
        document.body.append(placeholder);
        await sleep(50);
        expect(placeholder.shadowRoot?.textContent ?? '').to.not.equal('');
        placeholder.remove();
      });
      expect(warnings).to.deep.equal([]);
    });
  }
});
