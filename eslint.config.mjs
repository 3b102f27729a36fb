// ESLint 9 flat config. The rule set is deliberately small: it guards architecture
// (pure domain, thin workflows, config-only env access) and async correctness, nothing stylistic.
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = [
  'src/**/*.ts',
  'workflows/**/*.ts',
  'activities/**/*.ts',
  'scripts/**/*.ts',
  'test/**/*.ts',
  'bench/**/*.ts',
  'prisma.config.ts',
];

/** Packages and Node built-ins that do I/O or belong to a framework. */
const IO_AND_FRAMEWORK_IMPORTS = [
  {
    regex: '^node:',
    message: 'No Node built-ins here: this code runs in the Temporal workflow sandbox.',
  },
  {
    regex: '^(fs|fs/promises|path|os|child_process|net|tls|http|https|http2|dns|crypto|stream|worker_threads|timers)$',
    message: 'No Node built-ins here: this code runs in the Temporal workflow sandbox.',
  },
  { regex: '^(pg|nodemailer|smtp-server|handlebars)$', message: 'I/O belongs in activities/.' },
  { regex: '^@nestjs/', message: 'NestJS belongs in src/ (outside src/domain).' },
  { regex: '^@prisma/', message: 'Database access belongs in activities/ and src/database.' },
];

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'src/generated/**',
      '.tools/**',
      'var/**',
      'coverage/**',
    ],
  },

  // Plain JS/ESM config and helper scripts: untyped, recommended rules only.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.node },
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  // TypeScript: typed linting through the project service (tsconfig.json covers these folders).
  {
    files: TS_FILES,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      import: importPlugin,
    },
    settings: {
      // eslint-import-resolver-typescript is not installed; the node resolver with .ts extensions
      // resolves the relative imports this codebase uses (no path aliases: they break the workflow bundle).
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/extensions': ['.ts', '.js'],
      'import/external-module-folders': ['node_modules'],
      // Never parse dependencies for the cycle graph: slow, and some bundles overflow the parser.
      'import/ignore': ['node_modules'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'import/no-cycle': ['error', { ignoreExternal: true }],
      // Configuration is read and validated once, in src/config (STYLE.md).
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config (loadConfig), not process.env.',
        },
      ],
    },
  },
  {
    files: ['src/config/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'prisma.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },

  // src/domain is pure: no framework, no I/O, nothing from the rest of the application.
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...IO_AND_FRAMEWORK_IMPORTS,
            { regex: '^@temporalio/', message: 'src/domain is pure: Temporal belongs in workflows/.' },
            { regex: '(^|/)generated(/|$)', message: 'src/domain does not know the Prisma model.' },
            { regex: '(^|/)activities(/|$)', message: 'src/domain does no I/O.' },
          ],
        },
      ],
      // Resolved-path check: nothing from src/ outside src/domain, workflows/ or activities/.
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/domain',
              from: './src',
              except: ['./domain'],
              message: 'src/domain is pure: it must not import the application around it.',
            },
            { target: './src/domain', from: './activities', message: 'src/domain does no I/O.' },
            { target: './src/domain', from: './workflows', message: 'src/domain does not know Temporal.' },
          ],
        },
      ],
    },
  },

  // workflows/ run in the deterministic sandbox: no I/O, activities only as types.
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...IO_AND_FRAMEWORK_IMPORTS,
            {
              regex: '(^|/)activities(/|$)',
              allowTypeImports: true,
              message: 'Import activities as types only (proxyActivities<ContractActivities>).',
            },
          ],
        },
      ],
    },
  },
);
