import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.local/**', 'docs/**', 'charts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
    files: ['packages/platform/src/config/**', 'packages/cli/src/**', '**/*.test.ts', '**/test/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
