import { currentCall } from '../context.ts';

export class SecretAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretAccessError';
  }
}

/**
 * One rule for every secrets API: a secret is read only elevated, or by the site owner; a web method triggered
 * by a visitor or a member must wrap the read in `elevate()`, as on Wix.
 */
export function readSecret(api: string, name: string): string {
  const call = currentCall(api);
  if (!call.elevated && call.caller.kind !== 'owner') {
    throw new SecretAccessError(`${api} requires elevated permissions: wrap it with elevate() from wix-auth.`);
  }
  const value = call.runtime.secrets.read(name);
  if (value === undefined) throw new SecretAccessError(`No secret named "${name.slice(0, 50)}" exists.`);
  return value;
}
