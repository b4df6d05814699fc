import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.local/**', 'docs/**', 'charts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through the config schema (packages/platform/src/config), not process.env.',
        },
      ],
    },
  },
  {
    // Entry points hand the environment to the config schema; nothing else reads it.
    files: [
      'packages/platform/src/config/**',
      'packages/cli/src/**',
      'services/*/src/main.ts',
      '**/*.test.ts',
      '**/test/**',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
