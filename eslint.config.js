import tseslint from 'typescript-eslint';

// ARCHITECTURE.md: imports point down only (cli → system → kernel → machine → hart, and
// cli → firmware → machine; the kernel and the hosted firmware are two owners of M-mode
// and never import each other), and the
// layers below cli/ reach files, terminals and clocks only through interfaces (no Node
// built-ins), so the same code can run in a browser.
const nodeBuiltins = { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'tty', 'process', 'worker_threads'], message: 'no Node built-ins below cli/: pass an interface in from cli/' };
const layer = (above) => ({
  'no-restricted-imports': ['error', {
    patterns: [
      nodeBuiltins,
      ...above.map((dir) => ({ group: [`**/${dir}/*`, `../${dir}/*`, `../../${dir}/*`], message: `imports point down only: ${dir}/ is above this layer` })),
    ],
  }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'src/hart/core/**', 'guests/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/hart/**/*.ts'], rules: layer(['machine', 'firmware', 'kernel', 'system', 'cli']) },
  { files: ['src/machine/**/*.ts'], rules: layer(['firmware', 'kernel', 'system', 'cli']) },
  { files: ['src/firmware/**/*.ts'], rules: layer(['kernel', 'system', 'cli']) },
  { files: ['src/kernel/**/*.ts'], rules: layer(['firmware', 'system', 'cli']) },
  { files: ['src/system/**/*.ts'], rules: layer(['firmware', 'cli']) },
);
