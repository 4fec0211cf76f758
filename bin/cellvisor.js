#!/usr/bin/env node
// The installed `cellvisor` command: runs the compiled CLI (npm run build:ts).
try {
  await import('../dist/cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write("cellvisor: dist/cli/main.js is missing; run 'npm run build:ts' first\n");
    process.exitCode = 3;
  } else {
    throw err;
  }
}
