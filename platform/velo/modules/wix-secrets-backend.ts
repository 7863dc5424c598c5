import { readSecret } from './secrets-access.ts';

/** Local `wix-secrets-backend` (Velo v1): `getSecret(name)` resolves to the value as a string. */
export async function getSecret(name: string): Promise<string> {
  return readSecret('wix-secrets-backend getSecret()', name);
}

export default { getSecret };
