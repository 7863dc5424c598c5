// Development page for the local platform. It talks to the platform the way a Wix site page does:
// same-origin /_api/cloud-data with a visitor token from /oauth2/token, held in memory only.

interface Info { siteId: string; clientId: string; collections: { id: string; displayName: string; permissions: Record<string, string> }[] }
interface LogEntry { seq: number; method: string; path: string; status: number; role: string; durationMs: number }

const $ = <T extends Element>(sel: string) => document.querySelector<T>(sel)!;
const text = (tag: string, value: string) => Object.assign(document.createElement(tag), { textContent: value });

let visitorToken: string | undefined;

async function getInfo(): Promise<Info> {
  return (await fetch('/_platform/info')).json() as Promise<Info>;
}

async function token(clientId: string): Promise<string> {
  if (visitorToken) return visitorToken;
  const r = await fetch('/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, grantType: 'anonymous' }) });
  visitorToken = ((await r.json()) as { access_token: string }).access_token;
  return visitorToken;
}

async function renderInfo(info: Info) {
  const site = $('#site');
  site.replaceChildren(text('dt', 'Site ID'), text('dd', info.siteId), text('dt', 'OAuth client ID'), text('dd', info.clientId));
  const body = $('#collections tbody');
  body.replaceChildren(
    ...info.collections.map((c) => {
      const tr = document.createElement('tr');
      tr.append(text('td', `${c.displayName} (${c.id})`), ...['read', 'insert', 'update', 'remove'].map((op) => text('td', c.permissions[op] ?? '')));
      return tr;
    }),
  );
}

async function runQuery(info: Info, form: HTMLFormElement) {
  const data = new FormData(form);
  const result = $('#result');
  const list = $('#items');
  list.replaceChildren();
  let filter: unknown;
  try {
    filter = JSON.parse(String(data.get('filter') || '{}'));
  } catch {
    result.className = 'error';
    result.textContent = 'The filter is not valid JSON.';
    return;
  }
  const r = await fetch('/_api/cloud-data/v2/items/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await token(info.clientId) },
    body: JSON.stringify({ dataCollectionId: data.get('collection'), query: { filter, paging: { limit: 20 } }, returnTotalCount: true }),
  });
  const body = (await r.json()) as { message?: string; dataItems?: { data: Record<string, unknown> }[]; pagingMetadata?: { total?: number } };
  if (!r.ok) {
    result.className = 'error';
    result.textContent = `${r.status}: ${body.message ?? 'request failed'}`;
    return;
  }
  result.className = '';
  result.textContent = `${body.pagingMetadata?.total ?? 0} items match; showing ${body.dataItems?.length ?? 0}.`;
  list.replaceChildren(...(body.dataItems ?? []).map((d) => text('li', String(d.data['title'] ?? d.data['_id']))));
}

let lastSeq = 0;
async function pollLog() {
  const r = await fetch(`/_platform/requests?since=${lastSeq}`);
  const { requests } = (await r.json()) as { requests: LogEntry[] };
  const body = $('#log tbody');
  for (const e of requests) {
    lastSeq = e.seq;
    const tr = document.createElement('tr');
    const status = text('td', String(e.status));
    status.className = e.status < 400 ? 'status-ok' : 'status-err';
    tr.append(text('td', e.method), text('td', e.path), status, text('td', e.role), text('td', String(e.durationMs)));
    body.prepend(tr);
  }
  while (body.children.length > 30) body.lastElementChild?.remove();
}

const info = await getInfo();
await renderInfo(info);
$<HTMLFormElement>('#try').addEventListener('submit', (event) => {
  event.preventDefault();
  void runQuery(info, event.target as HTMLFormElement);
});
await pollLog();
setInterval(() => void pollLog(), 1500);
