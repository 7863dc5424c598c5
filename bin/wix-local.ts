#!/usr/bin/env node
/**
 * The `wix-local` bin of the installed package (dist/bin/wix-local.js), run by plain `node`: it registers the
 * Velo module hooks (velo-hooks.ts) so a site's backend folder can import `wix-web-module`, `wix-secrets-backend`,
 * `wix-fetch`… by their real names, then runs the platform's CLI. In this repository `npm run platform` runs the
 * CLI under tsx instead, where tsconfig `paths` resolve the same names.
 */
import { register } from 'node:module';

register('./velo-hooks.js', import.meta.url);
await import('../platform/cli.ts');
