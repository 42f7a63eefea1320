// One lint configuration for the whole workspace (every project's `lint` target uses it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '.nx/**', '.testenv/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  // App boundaries: apps are wiring. Libs and tools never import an app; a service app never
  // imports another. apps/cli is the one binary, so it alone starts each service through the
  // app's run function (docs/design-notes.md, "App boundaries").
  {
    files: ['libs/**/*.ts', 'tools/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@cdc/reader-postgres', '@cdc/reader-vitess', '@cdc/applier', '@cdc/coordinator', '@cdc/cli'],
              message: 'libs and tools do not import apps: move what is shared into a lib',
            },
          ],
        },
      ],
    },
  },
  ...['reader-postgres', 'reader-vitess', 'applier', 'coordinator'].map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@cdc/reader-postgres',
                '@cdc/reader-vitess',
                '@cdc/applier',
                '@cdc/coordinator',
                '@cdc/cli',
              ].filter((name) => name !== `@cdc/${app}`),
              message: 'a service app does not import another app: move what is shared into a lib',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
  },
);
