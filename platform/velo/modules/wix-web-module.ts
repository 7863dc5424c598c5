/** Local `wix-web-module`: the same contract as Wix's (and @wix/web-methods): a pure decorator. */
export const Permissions = { Anyone: 'Anyone', SiteMember: 'SiteMember', Admin: 'Admin' } as const;
export type Permission = (typeof Permissions)[keyof typeof Permissions];

export interface WebMethodOptions {
  cache?: { tags: string[]; ttl?: number };
}

export type WebMethod<F extends (...args: never[]) => unknown> = ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>) & {
  permission: Permission;
  options?: WebMethodOptions;
};

/**
 * Marks a backend function as callable from page code with a permission. Outside a Wix site (tests), it is a
 * plain async function; the local runtime's RPC endpoint enforces the permission, as Wix's runtime does.
 */
export function webMethod<F extends (...args: never[]) => unknown>(permission: Permission, method: F, options?: WebMethodOptions): WebMethod<F> {
  if (!Object.values(Permissions).includes(permission)) throw new TypeError(`Unknown permission "${String(permission)}".`);
  const wrapped = (async (...args: Parameters<F>) => method(...args)) as WebMethod<F>;
  wrapped.permission = permission;
  if (options) wrapped.options = options;
  return wrapped;
}
