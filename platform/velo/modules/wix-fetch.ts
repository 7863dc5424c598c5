/** Local `wix-fetch`: Node's fetch. Every status resolves (check `.ok`), as on Wix. */
export const fetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init);

export async function getJSON(url: string, options?: RequestInit): Promise<unknown> {
  const response = await fetch(url, {
    ...options,
    method: 'GET',
    headers: { accept: 'application/json', ...(options?.headers as Record<string, string> | undefined) },
  });
  return response.json();
}

export default { fetch, getJSON };
