// Bundles the background worker (scripts/worker.ts and the lib/ code it imports) into one
// file, dist/worker.mjs, that plain `node` runs: no tsx, no TypeScript sources and no
// devDependencies needed at run time. The Docker image runs the worker from it.
//
// Packages stay external (loaded from node_modules at run time). So that an image built
// with `npm prune --omit=dev` can always run the bundle, the build fails if the bundle
// imports a package that is not in package.json "dependencies": correct by construction.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// An optional argument puts the bundle elsewhere (tests); it must stay inside the checkout
// so its packages resolve from ./node_modules.
const outfile = path.resolve(root, process.argv[2] ?? 'dist/worker.mjs');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const runtimeDeps = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** `server-only` marks modules the browser must never get; the worker is a server. */
const serverOnly = {
  name: 'server-only',
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {}', loader: 'js' }));
  },
};

/**
 * The bundle runs where the deployment (or `npm start --prebuilt`) gives it its whole
 * environment: a checkout's .env files, ./.data keys and embedded database
 * (scripts/lib/local-env.mjs, which finds them next to itself) are for `npm run worker`.
 */
const givenEnvironment = {
  name: 'given-environment',
  setup(b) {
    b.onResolve({ filter: /\/local-env\.mjs$/ }, () => ({ path: 'local-env', namespace: 'given-environment' }));
    b.onLoad({ filter: /.*/, namespace: 'given-environment' }, () => ({
      contents: 'export async function prepareCommandEnv() { return { release: async () => {} }; }',
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['scripts/worker.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  plugins: [serverOnly, givenEnvironment],
  tsconfig: 'tsconfig.json',
  metafile: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS packages bundled into ESM may call require(); give them one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

const packageOf = (specifier) => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};
const imported = new Set(
  Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external)
    .map((i) => i.path),
);
const missing = [...imported].filter((p) => !builtins.has(p) && !runtimeDeps.has(packageOf(p)));
if (missing.length > 0) {
  console.error(
    `${path.relative(root, outfile)} imports packages that are not runtime dependencies: ${[...new Set(missing.map(packageOf))].join(', ')}.\n` +
      'Move them to "dependencies" in package.json (the production image prunes devDependencies).',
  );
  process.exit(1);
}
console.log(
  `Built ${path.relative(root, outfile)} (external packages: ${[...new Set([...imported].filter((p) => !builtins.has(p)).map(packageOf))].sort().join(', ')})`,
);
