// The demo page: the Wix host simulation plus the elements, on the local platform mounted by `npm run dev`.
import '../elements/data-list/define.ts';
import '../elements/oauth-connect/define.ts';
import '../elements/member-gate/define.ts';
import type { WixDataList } from '../elements/data-list/data-list.ts';
import { DemoWixHost, routeWixApisToPage } from './host/wix-host.ts';
import { bindAccountBar } from './host/account-bar.ts';
import { fitFrameToContent } from './host/frames.ts';
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
/** A log cell; the column may cut it (fixed layout), so its full text is its title too. */
const cell = (value: string, className = '') => Object.assign(document.createElement('td'), { textContent: value, title: value, className });

routeWixApisToPage();
const host = new DemoWixHost(await platformClientId());
await host.restore(); // a member who signed in before this reload is still signed in, as on a Wix site
// The Velo section (an iframe) takes its page session from the host, as page code on a Wix site would.
(window as unknown as { demoHost: DemoWixHost }).demoHost = host;
const veloFrame = $<HTMLIFrameElement>('#velo-site');
fitFrameToContent(veloFrame, 320); // as tall as the Velo site's content: nothing cut, no empty band
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

// Faults, through the platform's control routes. The buttons show what is active (aria-pressed and a status line),
// read back from the platform: one-off faults wear out, and another tab or the dashboard may change them.
interface ActiveFault {
  id: string;
  path?: string;
  status?: number;
  latencyMs?: number;
  times?: number;
  hits: number;
}
const QUERY = '/_api/cloud-data/v2/items/query';
const KINDS = {
  latency: (f: ActiveFault) => f.path === '/_api/cloud-data/' && f.latencyMs === 400 && f.status === undefined,
  429: (f: ActiveFault) => f.path === QUERY && f.status === 429,
  timeout: (f: ActiveFault) => f.path === QUERY && (f.latencyMs ?? 0) > 5000,
} as const;
let activeFaults: ActiveFault[] = [];
let quotaReads: number | undefined;
const addFault = (rule: Record<string, unknown>) => controlFetch('/_platform/faults', { body: rule });
const removeFaults = (match: (f: ActiveFault) => boolean) =>
  Promise.all(activeFaults.filter(match).map((f) => controlFetch(`/_platform/faults/${encodeURIComponent(f.id)}`, { method: 'DELETE' })));
const faults: Record<string, () => Promise<unknown>> = {
  // A toggle: on, or off again when it is on.
  latency: () => (activeFaults.some(KINDS.latency) ? removeFaults(KINDS.latency) : addFault({ path: '/_api/cloud-data/', latencyMs: 400 })),
  expire: () => controlFetch('/_platform/expire-tokens', { method: 'POST' }),
  429: () => addFault({ path: QUERY, status: 429, times: 1 }),
  // Wix's own limits, switched on: a small reads quota (WDE0014), and one query slower than the 5 s limit (WDE0028).
  quota: () => controlFetch('/_platform/data-quotas', { method: 'PUT', body: quotaReads ? {} : { readsPerMinute: 5, timeoutMs: 5000 } }),
  timeout: () =>
    Promise.all([controlFetch('/_platform/data-quotas', { method: 'PUT', body: { timeoutMs: 5000 } }), addFault({ path: QUERY, latencyMs: 5500, times: 1 })]),
  clear: () => Promise.all([controlFetch('/_platform/faults', { method: 'DELETE' }), controlFetch('/_platform/data-quotas', { method: 'PUT', body: {} })]),
};

/** Reads the active faults and quotas back and shows them on the buttons and in the status line. */
async function showFaults(): Promise<void> {
  const [f, q] = await Promise.all([controlFetch('/_platform/faults'), controlFetch('/_platform/data-quotas')]);
  activeFaults = ((await f.json()) as { faults?: ActiveFault[] }).faults ?? [];
  const reads = ((await q.json()) as { dataQuotas?: { readsPerMinute?: unknown } }).dataQuotas?.readsPerMinute;
  quotaReads = typeof reads === 'number' ? reads : undefined;
  const on = { latency: activeFaults.some(KINDS.latency), 429: activeFaults.some(KINDS[429]), timeout: activeFaults.some(KINDS.timeout), quota: !!quotaReads };
  for (const [name, pressed] of Object.entries(on)) $(`[data-fault="${name}"]`).setAttribute('aria-pressed', String(pressed));
  const words = [
    on.latency && '400 ms latency on every data call',
    on[429] && 'the next query answers 429',
    on.timeout && 'the next query takes 5.5 s (over the 5 s limit)',
    on.quota && `a quota of ${quotaReads} reads a minute`,
  ].filter(Boolean);
  const others = activeFaults.filter((fault) => !Object.values(KINDS).some((kind) => kind(fault))).length;
  if (others) words.push(`${others} other fault${others === 1 ? '' : 's'} (from the dashboard or a test)`);
  $('#fault-status').textContent = words.length ? `Active: ${words.join('; ')}.` : 'No fault is active.';
}
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-fault]')) {
  button.addEventListener('click', async () => {
    await faults[button.dataset['fault']!]?.();
    await showFaults();
  });
}
void showFaults();
setInterval(() => void showFaults(), 1000);

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
