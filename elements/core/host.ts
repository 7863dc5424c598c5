/**
 * The Wix host as an element sees it (reference: @wix/site). A site widget gets its token getter either
 * through `element.accessTokenListener(getter)` or through `window.wixEmbedsAPI.getAccessTokenFunction()`.
 */
export interface WixEmbedsApi {
  getExternalBaseUrl(): string;
  getAccessTokenFunction?(): (() => Promise<string>) | undefined;
  getMonitoringClientFunction?(appId?: string, componentId?: string): unknown;
  getMetaSiteId?(): string;
}

declare global {
  interface Window {
    wixEmbedsAPI?: WixEmbedsApi;
  }
}

export function embedsApi(): WixEmbedsApi | undefined {
  return typeof window === 'undefined' ? undefined : window.wixEmbedsAPI;
}

/**
 * The API base URL for a site: host and path of the site's external URL. Unlike `site.host()`, the port is
 * kept, so a local platform on https://localhost:5173 is reached at localhost:5173 and not at localhost:443.
 */
export function apiBaseUrlFrom(externalBaseUrl: string): string {
  const url = new URL(externalBaseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.host}${path}`;
}

/**
 * The one API-base rule: `override` (an element's `api-base-url`) when set, else the site's URL from wixEmbedsAPI
 * (apiBaseUrlFrom), else `fallback`: www.wixapis.com for the SDK, this page's host for the site's own routes.
 */
export function apiBase(override: string | undefined, fallback: string): string {
  const embeds = embedsApi();
  return override || (embeds ? apiBaseUrlFrom(embeds.getExternalBaseUrl()) : fallback);
}

/** Whether the page is the Wix Editor (or its preview frame), where an element shows a placeholder. */
export function inEditor(): boolean {
  if (typeof window === 'undefined') return false;
  const config = (window as unknown as { commonConfig?: { viewMode?: string } }).commonConfig;
  return /^editor$/i.test(config?.viewMode ?? '');
}
