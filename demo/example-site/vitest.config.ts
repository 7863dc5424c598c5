import { defineConfig } from 'vitest/config';
// In a site repository: import { wixVitestPreset } from 'wix-session-elements/testing/vitest';
import { wixVitestPreset } from '../../platform/testing/vitest.ts';

export default defineConfig(wixVitestPreset({ root: import.meta.dirname, backend: 'backend', fixtures: 'fixtures' }));
