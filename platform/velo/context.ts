import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../identity/callers.ts';
import type { Member } from '../identity/directory.ts';
import type { SecretsVault } from './secrets-vault.ts';

/** What the Velo modules (wix-secrets-backend, wix-members-backend, ...) may reach of the platform. */
export interface VeloRuntimeServices {
  secrets: SecretsVault;
  getMember(id: string): Member | undefined;
  siteId: string;
  /**
   * A platform access token for backend code's own Wix API calls (`wix-data`, `@wix/data`): the caller's identity,
   * or, elevated, the site's admin rights with the caller as the subject (so `_owner` stays the caller).
   */
  accessToken?(caller: Caller, elevated: boolean): Promise<string>;
  /** The custom member roles (their names) a member has; none when absent (the testing kit's fixtures give them). */
  memberRoles?(memberId: string): readonly string[];
}

/** One backend call: who triggered it, whether it runs elevated, and what it may reach. */
export interface VeloCallContext {
  caller: Caller;
  elevated: boolean;
  functionName: string;
  runtime: VeloRuntimeServices;
  /** Set by `wix-data` calls with `suppressHooks: true`: the data hooks do not run for what this call does. */
  suppressHooks?: boolean;
}

// Kept on globalThis: Vite's SSR loader evaluates the Velo modules in its own module graph, and both copies
// must see the same call context as the platform that started the call.
const KEY = Symbol.for('wix-session-elements.velo-call-context');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<VeloCallContext> | undefined>;
export const veloCalls: AsyncLocalStorage<VeloCallContext> = (holder[KEY] ??= new AsyncLocalStorage<VeloCallContext>());

export class VeloContextError extends Error {
  constructor(api: string) {
    super(`${api} only works inside a backend call (a web method or an HTTP function).`);
    this.name = 'VeloContextError';
  }
}

export function currentCall(api: string): VeloCallContext {
  const call = veloCalls.getStore();
  if (!call) throw new VeloContextError(api);
  return call;
}
