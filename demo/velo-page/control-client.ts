// The demo pages' way to the local platform's control routes (/_platform/*): the run's control secret, which the
// dev server writes into each demo page's own HTML (a meta tag no other origin can read), and JSON bodies only.

const SECRET_HEADER = 'x-wix-local-control-secret';

function controlSecret(): string {
  const own = document.querySelector<HTMLMetaElement>('meta[name="wix-local-control-secret"]')?.content;
  if (own) return own;
  // A framed demo page (same origin) may take its parent's.
  try {
    return window.parent.document.querySelector<HTMLMetaElement>('meta[name="wix-local-control-secret"]')?.content ?? '';
  } catch {
    return '';
  }
}

/** Calls a control route: GET without a body, anything else with a JSON body (`{}` when none is given). */
export function controlFetch(path: `/_platform/${string}`, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { [SECRET_HEADER]: controlSecret() };
  if (method === 'GET') return fetch(path, { headers });
  headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, body: JSON.stringify(init.body ?? {}) });
}

/** The site's visitor client id, from the platform's info route. */
export async function platformClientId(): Promise<string> {
  const response = await controlFetch('/_platform/info');
  if (!response.ok) throw new Error(`The local platform's control routes answered ${response.status}: is the page served by \`npm run dev\`?`);
  return ((await response.json()) as { clientId: string }).clientId;
}
