import { readSecret } from './secrets-access.ts';

/** Local `wix-secrets-backend.v2`: `secrets.getSecretValue(name)` resolves to the value as a string, as the Velo v2 examples use it. */
export const secrets = {
  async getSecretValue(name: string): Promise<string> {
    return readSecret('wix-secrets-backend.v2 getSecretValue()', name);
  },
};
