// Lint for the whole repository: TypeScript's recommended rules, Lit's template rules, the web-components rules
// for element code, and eslint-config-prettier last so that formatting stays Prettier's job alone.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.wix-local/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (positional parameters, discarded destructuring).
      // A `let` read by a closure before its one assignment is not a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['elements/**/*.ts', 'demo/**/*.ts', 'test/elements/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['elements/**/*.ts'],
    ...wc.configs['flat/best-practice'],
  },
  {
    // Tests dig into raw JSON answers, and chai's `expect(x).to.be.true` is an expression statement by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
  prettier,
);
