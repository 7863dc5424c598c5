/**
 * The dashboard page's calls: its own JSON API (session cookie + the dashboard header) and the real Data API
 * (an act-as access token, exactly as a site widget calls it). Browser code: no Node imports.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new ApiError(response.status, `The platform answered ${response.status} with a body that is not JSON.`, undefined);
  }
  if (!response.ok) {
    const details = body['details'] as
      { applicationError?: { code?: string }; validationError?: { fieldViolations?: { field: string; description: string }[] } } | undefined;
    const violation = details?.validationError?.fieldViolations?.[0];
    const message =
      typeof body['message'] === 'string' ? body['message'] : violation ? `${violation.field}: ${violation.description}` : `HTTP ${response.status}`;
    throw new ApiError(response.status, message, details?.applicationError?.code ?? (violation ? 'VALIDATION' : undefined));
  }
  return body as T;
}

/** A call to the dashboard's own API. */
export async function dash<T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const response = await fetch(`/_dashboard/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: { 'x-wix-local-dashboard': '1', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return answer<T>(response);
}

/** A call to the platform's Data Items API with an access token (the item browser's reads and writes). */
export async function dataApi<T = Record<string, unknown>>(path: string, token: string, body: unknown): Promise<T> {
  const response = await fetch(`/_api/cloud-data/v2/items${path}`, {
    method: 'POST',
    credentials: 'omit',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer<T>(response);
}

export interface Field {
  key: string;
  displayName: string;
  type: string;
}

export interface CollectionInfo {
  id: string;
  displayName: string;
  count: number | undefined;
  permissions: Record<string, string>;
  fields: Field[];
}

export interface SiteInfo {
  id: string;
  name: string;
  primary: boolean;
  collections: CollectionInfo[];
}

export interface Overview {
  siteName: string;
  owner: { id: string; email: string };
  sites: SiteInfo[];
  counts: { members: number; apiKeys: number; faults: number };
}

export interface MemberRow {
  id: string;
  email: string;
  nickname: string;
  role: string;
  createdAt: string;
  lastSignIn?: string;
  lastActive?: string;
  status: 'signed-in' | 'signed-out';
}

/** A short local time for tables. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
