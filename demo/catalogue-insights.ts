/**
 * The catalogue's search box and category summary: page code calling Wix Data's search and aggregate through the
 * official @wix/data package with the page's own session (as a site widget does with its injected token). The
 * catalogue is readable by anyone, so no elevation or backend is needed.
 */
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';

/** What the host gives page code: the current session's access token. */
interface Session extends EventTarget {
  token(): Promise<string>;
}

const PRODUCTS = 'Products';
const SHOWN_RESULTS = 8;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

function text(tag: string, value: string, className = ''): HTMLElement {
  return Object.assign(document.createElement(tag), { textContent: value, className });
}

/** A readable line for a refused or failed call, from Wix's error shape as the SDK surfaces it. */
function describeError(error: unknown): string {
  const code = (error as { details?: { applicationError?: { code?: string } } }).details?.applicationError?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

export function bindCatalogueInsights(session: Session): void {
  const client = createClient({
    modules: { items },
    auth: { getAuthHeaders: async () => ({ headers: { Authorization: await session.token() } }) },
  });

  // Category summary: one aggregate, grouped by category, counting products and averaging their price.
  const summary = byId<HTMLTableSectionElement>('category-summary-body');
  const summaryStatus = byId('category-summary-status');
  async function loadSummary(): Promise<void> {
    summaryStatus.textContent = 'Loading…';
    try {
      const result = await client.items.aggregate(PRODUCTS).group('category').count().avg('price', 'averagePrice').run();
      summary.replaceChildren(
        ...result.items.map((row: Record<string, unknown>) => {
          const tr = document.createElement('tr');
          tr.append(text('td', String(row['_id'])), text('td', String(row['count']), 'num'), text('td', usd.format(Number(row['averagePrice'])), 'num'));
          return tr;
        }),
      );
      const total = result.items.reduce((n: number, row: Record<string, unknown>) => n + Number(row['count']), 0);
      summaryStatus.textContent = `${result.items.length} categories · ${total} products`;
    } catch (error) {
      summary.replaceChildren();
      summaryStatus.textContent = `Could not load the summary: ${describeError(error)}`;
    }
  }

  // Search box: free text over the catalogue, fuzzy so that typos and the start of a word still find products.
  const form = byId<HTMLFormElement>('catalogue-search');
  const input = form.querySelector<HTMLInputElement>('input[name="q"]')!;
  const status = byId('search-status');
  const list = byId<HTMLUListElement>('search-results');
  let latest = 0;
  async function search(): Promise<void> {
    const expression = input.value.trim();
    const ticket = ++latest;
    if (!expression) {
      list.replaceChildren();
      status.textContent = '';
      return;
    }
    status.textContent = 'Searching…';
    try {
      const result = await client.items.search(PRODUCTS).expression(expression).fuzzy().limit(SHOWN_RESULTS).run();
      if (ticket !== latest) return; // a newer search has started
      list.replaceChildren(
        ...result.items.map((item: Record<string, unknown>) => {
          const li = document.createElement('li');
          li.append(text('span', String(item['title']), 'title'), text('span', `${String(item['category'])} · ${usd.format(Number(item['price']))}`, 'muted'));
          return li;
        }),
      );
      const total = result.totalCount ?? result.items.length;
      status.textContent =
        total === 0
          ? `No products match “${expression}”.`
          : `${total} products match “${expression}”${total > SHOWN_RESULTS ? `; the best ${SHOWN_RESULTS} are shown` : ''}.`;
    } catch (error) {
      if (ticket !== latest) return;
      list.replaceChildren();
      status.textContent = `Search failed: ${describeError(error)}`;
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search();
  });

  void loadSummary();
  // A new identity may see different data; the catalogue is public, but page code does not assume that.
  session.addEventListener('identity-change', () => {
    void loadSummary();
    void search();
  });
}
