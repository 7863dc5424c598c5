import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the data layer reports what a developer should know about a request it served anyway (Wix's schemaless
 * storage: a value that does not match its field's declared type is stored, silently on Wix). The data routes run
 * each handler inside `withDataWarnings(ctx.warn, …)`, so a warning raised anywhere below (ItemsService, the data
 * hooks around it) lands in that request's log entry; outside a request (seeding, unit tests) it goes nowhere.
 */
const sink = new AsyncLocalStorage<(message: string) => void>();

export function withDataWarnings<T>(warn: ((message: string) => void) | undefined, fn: () => T): T {
  return warn ? sink.run(warn, fn) : fn();
}

export function dataWarning(message: string): void {
  sink.getStore()?.(message);
}

/** A request-supplied name, quoted and clipped for a log line. */
export const quoteName = (name: string): string => JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
