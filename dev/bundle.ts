// `npm run build`: the app as Azure runs it, bundled into ES modules in dist/: the entry, plus
// chunks for the SDKs the app imports only when first needed (Blob storage, identity). A cold
// instance then compiles one file instead of about 1,300 modules (npm run bench:coldstart).
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The built entry, relative to the repository: package.json `main` names it. */
export const BUNDLE = "dist/index.js";
export const BUNDLE_PATH = `${root}${BUNDLE}`;

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
    // Bundled CommonJS packages call require(); in an ES module it has to be made.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    sourcemap: "linked",
    minify: true,
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  return { bytes: result.metafile.outputs[BUNDLE]!.bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bytes } = await bundle();
  console.log(`${BUNDLE}: ${(bytes / 1024).toFixed(0)} KB`);
}
