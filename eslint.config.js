import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'

// Lint for correctness only: Prettier owns formatting, so no layout rules are turned on here.
export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'bench/results/', 'data/', 'artifacts/', '.tmp/']),
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: vue.configs['no-layout-rules'].rules,
  },
  {
    rules: {
      // `_` marks a value left out on purpose, e.g. `const { town: _, ...rest } = row`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // shared/ is what server and client agree on: it may depend on neither (STYLE.md).
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/server', '**/client/**', '**/client'],
              message: 'shared/ imports nothing from server/ or client/',
            },
          ],
        },
      ],
    },
  },
  {
    // client/ talks to the server only through the API: the contract in shared/ (STYLE.md).
    files: ['client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/server'],
              message: 'client/ imports nothing from server/: the API contract is in shared/api/',
            },
          ],
        },
      ],
    },
  },
)
