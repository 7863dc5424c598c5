// The demo page: the Wix host simulation plus the elements, on the local platform mounted by `npm run dev`.
import '../elements/data-list/define.ts';
import '../elements/oauth-connect/define.ts';
import '../elements/member-gate/define.ts';
import type { WixDataList } from '../elements/data-list/data-list.ts';
import { DemoWixHost, routeWixApisToPage } from './host/wix-host.ts';
import { bindAccountBar } from './host/account-bar.ts';
import { bindCatalogueInsights } from './catalogue-insights.ts';
import { bindLikes } from './likes.ts';
import { controlFetch, platformClientId } from './velo-page/control-client.ts';

interface LogEntry {
  seq: number;
  method: string;
  path: string;
  status: number;
  role: string;
  grant?: string;
  fault?: string;
  /** What the platform noticed and Wix would do silently (a value stored against its field's declared type). */
  warnings?: string[];
}

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const cell = (value: string, className = '') => Object.assign(document.createElement('td'), { textContent: value, className });

routeWixApisToPage();
const host = new DemoWixHost(await platformClientId());
// The Velo section (an iframe) takes its page session from the host, as page code on a Wix site would.
(window as unknown as { demoHost: DemoWixHost }).demoHost = host;
const veloFrame = $<HTMLIFrameElement>('#velo-site');
veloFrame.src = veloFrame.dataset['src']!; // only now: the frame's page code looks for demoHost when it starts
host.addEventListener('identity-change', () => veloFrame.contentWindow?.location.reload());

bindAccountBar(host);
bindCatalogueInsights(host);
bindLikes(host);

// Catalogue controls drive the element's attributes, as page code or the Editor would.
const catalogue = $<WixDataList>('#catalogue');
for (const chip of document.querySelectorAll<HTMLButtonElement>('.chip')) {
  chip.addEventListener('click', () => {
    for (const other of document.querySelectorAll('.chip')) other.setAttribute('aria-pressed', String(other === chip));
    const category = chip.dataset['category'];
    if (category) catalogue.setAttribute('filter', JSON.stringify({ category }));
    else catalogue.removeAttribute('filter');
  });
}
$<HTMLSelectElement>('#sort').addEventListener('change', (event) => catalogue.setAttribute('sort', (event.target as HTMLSelectElement).value));

document.addEventListener('wix-item-select', (event) => {
  const { item } = event.detail;
  const title = String(item['title'] ?? item['customerName'] ?? item._id);
  $('#selected').textContent = `${title} (${item._id})`;
});

// Faults, through the platform's control routes.
const faults: Record<string, () => Promise<unknown>> = {
  latency: () => controlFetch('/_platform/faults', { body: { path: '/_api/cloud-data/', latencyMs: 400 } }),
  expire: () => controlFetch('/_platform/expire-tokens', { method: 'POST' }),
  429: () => controlFetch('/_platform/faults', { body: { path: '/_api/cloud-data/v2/items/query', status: 429, times: 1 } }),
  // Wix's own limits, switched on: a small reads quota (WDE0014), and one query slower than the 5 s limit (WDE0028).
  quota: () => controlFetch('/_platform/data-quotas', { method: 'PUT', body: { readsPerMinute: 5, timeoutMs: 5000 } }),
  timeout: () =>
    Promise.all([
      controlFetch('/_platform/data-quotas', { method: 'PUT', body: { timeoutMs: 5000 } }),
      controlFetch('/_platform/faults', { body: { path: '/_api/cloud-data/v2/items/query', latencyMs: 5500, times: 1 } }),
    ]),
  clear: () => Promise.all([controlFetch('/_platform/faults', { method: 'DELETE' }), controlFetch('/_platform/data-quotas', { method: 'PUT', body: {} })]),
};
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-fault]')) {
  button.addEventListener('click', () => void faults[button.dataset['fault']!]?.());
}

// Request log panel: polls the platform; shows no credential because the platform logs none.
const shortPath = (path: string) =>
  path
    .replace('/_api/cloud-data/v2/', 'data/')
    .replace('/_api/iam/authentication/v2/', 'iam/')
    .replace('/_api/redirects-api/v1/', 'redirects/')
    .replace(/^\//, '');
let lastSeq = 0;
async function pollLog() {
  const r = await controlFetch(`/_platform/requests?since=${lastSeq}`);
  const { requests } = (await r.json()) as { requests: LogEntry[] };
  const body = $('#log tbody');
  for (const e of requests) {
    lastSeq = e.seq;
    const tr = document.createElement('tr');
    const note = e.grant === 'refresh_token' ? 'token renewed' : e.grant ? `token: ${e.grant}` : (e.fault ?? e.warnings?.[0] ?? '');
    tr.append(
      cell(e.method),
      cell(shortPath(e.path)),
      cell(String(e.status), e.status < 400 ? 'status-ok' : 'status-err'),
      cell(e.role),
      cell(note, e.grant === 'refresh_token' ? 'renewed' : ''),
    );
    body.prepend(tr);
  }
  while (body.children.length > 14) body.lastElementChild?.remove();
}
void pollLog();
setInterval(() => void pollLog(), 1000);
