// `npm run build`: the app as Azure runs it, bundled into ES modules in dist/: the entry, plus
// chunks for the SDKs the app imports only when first needed (Blob storage, identity). A cold
// instance then compiles one file instead of about 1,300 modules (npm run bench:coldstart).
import { rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The built entry, relative to the repository: package.json `main` names it. */
export const BUNDLE = "dist/index.js";
export const BUNDLE_PATH = `${root}${BUNDLE}`;

/**
 * A Node built-in imported as an ES module gets a facade that reads every export up front; for
 * node:http that loads undici (its fetch) at start-up, about 30 ms on Node 22. Required as
 * CommonJS, a built-in costs nothing more until it is used.
 */
const builtinsAsRequire: Plugin = {
  name: "builtins-as-require",
  setup(b) {
    const builtin = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, "\\/")).join("|")})$`);
    b.onResolve({ filter: builtin }, (args) =>
      args.kind === "import-statement" ? { path: args.path, namespace: "builtin-require" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "builtin-require" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

export async function bundle(): Promise<{ bytes: number }> {
  rmSync(`${root}dist`, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: "functions/index.ts" },
    outdir: "dist",
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // The Node worker provides this module at run time by intercepting require.
    external: ["@azure/functions-core"],
    plugins: [builtinsAsRequire],
    // Bundled CommonJS packages call require(); in an ES module it has to be made.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    sourcemap: "linked",
    minify: true,
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const output = result.metafile.outputs[BUNDLE];
  if (!output) throw new Error(`esbuild wrote no ${BUNDLE}`);
  return { bytes: output.bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bytes } = await bundle();
  console.log(`${BUNDLE}: ${(bytes / 1024).toFixed(0)} KB`);
}
