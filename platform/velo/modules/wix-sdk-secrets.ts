import { readSecret } from './secrets-access.ts';

/** Local `@wix/secrets`: `secrets.getSecretValue(name)` resolves to `{ value }`, as the SDK typings say. */
export const secrets = {
  async getSecretValue(name: string): Promise<{ value: string }> {
    return { value: readSecret('@wix/secrets getSecretValue()', name) };
  },
};
