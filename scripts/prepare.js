#!/usr/bin/env node
// Brings a checkout up to date before `npm run build|test|bench|demo`: the Debian
// packages (scripts/setup), node_modules (npm ci), the C headers generated from
// src/hart/spec/ (build/include/cellvisor/), build/hart.wasm, dist/ and the guest
// programs in build/. Each step runs only when its inputs are newer than its outputs,
// so on an up-to-date tree this is a fast no-op. Plain Node, no npm dependencies: it
// runs before `npm ci`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHeaders, SpecError } from './gen-headers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'build');
const path = (p) => join(ROOT, p);

class StepFailed extends Error {}

function log(message) {
  console.log(`[prepare] ${message}`);
}

/** Modification time in ms, or -Infinity for a missing file. */
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** The newest mtime of the files under `dir` (recursively) that `keep` accepts. */
function newestUnder(dir, keep = () => true) {
  let newest = -Infinity;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestUnder(p, keep));
    else if (keep(p)) newest = Math.max(newest, mtime(p));
  }
  return newest;
}

function hasFileUnder(dir, keep) {
  return newestUnder(dir, keep) > -Infinity;
}

/** Runs a command with the terminal attached; returns its exit status. */
function run(cmd, args, { quiet = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: quiet ? 'ignore' : 'inherit' });
  if (r.error) {
    throw new StepFailed(r.error.code === 'ENOENT' ? `${cmd} is not installed or not on PATH` : r.error.message);
  }
  return r.status ?? 128 + 1;
}

/** A step that takes a while: says what it does, runs, says how long it took. */
function slowStep(what, cmd, args, fix) {
  log(`${what} …`);
  const started = performance.now();
  const status = run(cmd, args);
  if (status !== 0) {
    throw new StepFailed(`${what} failed: \`${[cmd, ...args].join(' ')}\` exited with ${status}. ${fix}`);
  }
  log(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function debianPackages() {
  // Exit 0: all installed; 1: something missing; 127/other: not a Debian system.
  const status = run('bash', [path('scripts/setup'), '--check'], { quiet: true });
  if (status === 0) return;
  const dpkg = spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' });
  if (dpkg.error) {
    log('not a Debian system: install the packages listed in scripts/setup yourself');
    return;
  }
  slowStep('installing missing Debian packages (scripts/setup)', 'bash', [path('scripts/setup')],
    'Install them by hand (see scripts/setup), then run this again.');
}

function nodeModules() {
  // npm writes node_modules/.package-lock.json on every install.
  if (mtime(path('node_modules/.package-lock.json')) >= mtime(path('package-lock.json'))) return;
  slowStep('installing npm packages (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund'],
    'Check the network and package-lock.json (run `npm install` if package.json changed).');
}

function specHeaders() {
  let written;
  try {
    written = generateHeaders();
  } catch (e) {
    if (e instanceof SpecError) throw new StepFailed(`generating the C headers from src/hart/spec/: ${e.message}`);
    throw e;
  }
  for (const h of written) log(`wrote ${relative(ROOT, h)}`);
}

function hartWasm() {
  const core = path('src/hart/core');
  if (!existsSync(join(core, 'index.ts'))) {
    log('skipping build/hart.wasm: src/hart/core/index.ts does not exist yet');
    return;
  }
  const newest = Math.max(
    newestUnder(core),
    newestUnder(path('src/hart/spec'), (p) => p.endsWith('.ts')),
    mtime(path('asconfig.json')),
    mtime(path('package-lock.json')),
  );
  if (mtime(path('build/hart.wasm')) >= newest) return;
  slowStep('building build/hart.wasm (AssemblyScript)', 'npm', ['run', '-s', 'build:hart'],
    'Fix the compiler errors above.');
}

function typescript() {
  const stamp = path('dist/.prepare-stamp');
  const isSource = (p) => p.endsWith('.ts') && !p.startsWith(path('src/hart/core'));
  if (!hasFileUnder(path('src'), isSource)) return;
  const newest = Math.max(
    newestUnder(path('src'), isSource),
    mtime(path('tsconfig.json')),
    mtime(path('package-lock.json')),
  );
  if (mtime(stamp) >= newest) return;
  slowStep('building dist/ (tsc)', 'npm', ['run', '-s', 'build:ts'], 'Fix the type errors above.');
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, '');
}

function guests() {
  const args = ['-C', path('guests'), `BUILD=${BUILD}`];
  // make -q: 0 = up to date, 1 = something to build, 2 = error (make reports it again below).
  if (run('make', ['-q', ...args], { quiet: true }) === 0) return;
  slowStep('building the guest programs (guests/ → build/)', 'make', ['-s', ...args],
    `Fix the errors above; \`make -C ${relative(process.cwd(), path('guests')) || '.'}\` rebuilds them.`);
}

function examples() {
  // The example systems' cells, built with `cellvisor cc` (needs dist/ and the SDK).
  const args = ['-C', path('examples')];
  if (!existsSync(path('examples/Makefile'))) return;
  if (run('make', ['-q', ...args], { quiet: true }) === 0) return;
  slowStep('building the example systems\' cells (examples/)', 'make', ['-s', ...args],
    `Fix the errors above; \`make -C examples\` rebuilds them.`);
}

function linuxGuest() {
  // build-all.sh keeps its own input-hash stamps: a no-op in well under a second when
  // nothing changed; about 5 minutes on two cores from cold.
  slowStep('building the Linux 6.1 guest and its busybox initramfs (guests/linux/)', 'bash',
    [path('guests/linux/build-all.sh')], 'See the log named above; guests/linux/README.md explains the build.');
}

try {
  debianPackages();
  nodeModules();
  specHeaders();
  hartWasm();
  typescript();
  guests();
  examples();
  if (process.argv.includes('--linux')) linuxGuest();
} catch (e) {
  if (!(e instanceof StepFailed)) throw e;
  console.error(`[prepare] error: ${e.message}`);
  process.exit(1);
}
