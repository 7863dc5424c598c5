/** Browser-test helpers: talk to the platform mounted on the test server's own origin. */
export interface LogEntry {
  seq: number;
  method: string;
  path: string;
  status: number;
  role: string;
  grant?: string;
}

/** The run's control secret, which the test page's HTML carries (web-test-runner.config.mjs). */
const controlSecret = () => document.querySelector<HTMLMetaElement>('meta[name="wix-local-control-secret"]')?.content ?? '';

/** A call to a `/_platform/*` control route with the run's secret; bodies are JSON. */
export function controlFetch(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { 'x-wix-local-control-secret': controlSecret() };
  if (method === 'GET') return fetch(path, { headers });
  headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, body: JSON.stringify(init.body ?? {}) });
}

let clientIdPromise: Promise<string> | undefined;
export function platformClientId(): Promise<string> {
  clientIdPromise ??= controlFetch('/_platform/info')
    .then((r) => r.json() as Promise<{ clientId: string }>)
    .then((i) => i.clientId);
  return clientIdPromise;
}

/** What the Wix host does: a fresh anonymous visitor token from /oauth2/token. */
export async function anonymousToken(): Promise<string> {
  const r = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: await platformClientId(), grantType: 'anonymous' }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

/** A host token getter that counts how often it is called. */
export function countingGetter(source: () => Promise<string> = anonymousToken) {
  const counter = { calls: 0 };
  const getter = async () => {
    counter.calls++;
    return source();
  };
  return { getter, counter };
}

export async function logSince(seq: number): Promise<LogEntry[]> {
  const r = await controlFetch(`/_platform/requests?since=${seq}`);
  return ((await r.json()) as { requests: LogEntry[] }).requests;
}

export async function lastSeq(): Promise<number> {
  const all = await logSince(0);
  return all.at(-1)?.seq ?? 0;
}

export async function addFault(rule: {
  path?: string;
  method?: string;
  status?: number;
  latencyMs?: number;
  malformedBody?: boolean;
  times?: number;
}): Promise<void> {
  const r = await controlFetch('/_platform/faults', { body: rule });
  if (!r.ok) throw new Error(`fault not added: ${r.status}`);
}

export async function clearFaults(): Promise<void> {
  await controlFetch('/_platform/faults', { method: 'DELETE' });
  await controlFetch('/_platform/clock', { method: 'DELETE' });
}

export const QUERY_PATH = '/_api/cloud-data/v2/items/query';

/** Everything a token could leak into: the DOM, attributes, shadow roots, storage, cookies, the URL, plus `extra`. */
export function leakSurface(extra: string[] = []): string {
  return [
    document.documentElement.outerHTML,
    ...[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.value).concat(e.shadowRoot ? [e.shadowRoot.innerHTML] : [])),
    JSON.stringify({ ...localStorage }),
    JSON.stringify({ ...sessionStorage }),
    document.cookie,
    location.href,
    ...extra,
  ].join('\n');
}
