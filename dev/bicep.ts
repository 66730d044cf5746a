// The Bicep compiler, from NuGet (package Azure.Bicep.CommandLine.linux-x64, version pinned in
// infra/tools/bicep.csproj), restored with the ordinary `dotnet restore` into the git-ignored
// .local/nuget. `npx tsx dev/bicep.ts` restores it when missing, builds infra/main.bicep to ARM JSON
// and lints it; any diagnostic at all (error, warning or info) fails it.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const TOOLS_PROJECT = join(root, "infra/tools/bicep.csproj");
const PACKAGES = join(root, ".local/nuget");
const PACKAGE = "Azure.Bicep.CommandLine.linux-x64";
export const MAIN_BICEP = join(root, "infra/main.bicep");

/** The Bicep version infra/tools/bicep.csproj pins. */
export function bicepVersion(): string {
  const csproj = readFileSync(TOOLS_PROJECT, "utf8");
  const version = new RegExp(`Include="${PACKAGE.replace(/\./g, "\\.")}"\\s+Version="([^"]+)"`).exec(csproj)?.[1];
  if (!version) throw new Error(`${relative(root, TOOLS_PROJECT)} names no ${PACKAGE} version`);
  return version;
}

function restore(): void {
  const result = spawnSync("dotnet", ["restore", TOOLS_PROJECT, "--packages", PACKAGES], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1" },
  });
  if (result.error) {
    throw new Error(`cannot run dotnet (${result.error.message}): the .NET SDK is needed to restore the Bicep compiler from NuGet`);
  }
  if (result.status !== 0) throw new Error(`dotnet restore ${relative(root, TOOLS_PROJECT)} failed:\n${result.stdout}${result.stderr}`);
}

/** Path of the `bicep` executable; restores the NuGet package first when it is missing. */
export function bicepPath(): string {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`infra/tools restores ${PACKAGE} only; this is ${process.platform}-${process.arch}`);
  }
  // NuGet's global-packages layout: lower-case id / version / the package's files.
  const exe = join(PACKAGES, PACKAGE.toLowerCase(), bicepVersion(), "tools", "bicep");
  if (!existsSync(exe)) restore();
  if (!existsSync(exe)) throw new Error(`dotnet restore did not bring ${relative(root, exe)}`);
  if ((statSync(exe).mode & 0o111) !== 0o111) chmodSync(exe, 0o755);
  return exe;
}

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  level: string;
  code: string;
  message: string;
}

const DIAGNOSTIC = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([^:]+): (.*)$/;

/** Runs bicep; every line it prints is a diagnostic (a clean run prints nothing), so any line fails. */
function run(args: string[]): { status: number | null; diagnostics: Diagnostic[]; other: string[] } {
  const result = spawnSync(bicepPath(), args, { cwd: root, encoding: "utf8", env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" } });
  if (result.error) throw result.error;
  const diagnostics: Diagnostic[] = [];
  const other: string[] = [];
  for (const line of `${result.stdout}\n${result.stderr}`
    .split("\n")
    .map((l) => l.trimEnd())
    .filter(Boolean)) {
    const [, file, lineNo, column, level, code, message] = DIAGNOSTIC.exec(line) ?? [];
    if (file && lineNo && column && level && code && message !== undefined)
      diagnostics.push({ file: relative(root, file), line: Number(lineNo), column: Number(column), level, code, message });
    else other.push(line);
  }
  return { status: result.status, diagnostics, other };
}

export const formatDiagnostic = (d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.level} ${d.code}: ${d.message}`;

function failOnOutput(what: string, r: ReturnType<typeof run>): void {
  if (r.status === 0 && !r.diagnostics.length && !r.other.length) return;
  const lines = [...r.diagnostics.map(formatDiagnostic), ...r.other];
  throw new Error(`bicep ${what}: exit ${r.status}, ${r.diagnostics.length} diagnostic(s)\n${lines.map((l) => `  ${l}`).join("\n")}`);
}

/** An ARM template as bicep writes it (with nested `Microsoft.Resources/deployments` for modules). */
export type ArmTemplate = Record<string, unknown> & { resources: unknown[] };

/** `bicep build infra/main.bicep` into outDir/main.json; throws on any diagnostic; returns the ARM JSON. */
export function buildInfra(outDir: string): ArmTemplate {
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, "main.json");
  failOnOutput("build", run(["build", MAIN_BICEP, "--outfile", outFile]));
  return JSON.parse(readFileSync(outFile, "utf8")) as ArmTemplate;
}

/** `bicep lint infra/main.bicep` (modules included); throws on any error, warning or info. */
export function lintInfra(): void {
  failOnOutput("lint", run(["lint", MAIN_BICEP]));
}

function countResources(template: ArmTemplate): { resources: number; deployments: number } {
  let resources = 0;
  let deployments = 0;
  for (const r of template.resources as { type: string; properties?: { template?: ArmTemplate } }[]) {
    if (r.type === "Microsoft.Resources/deployments" && r.properties?.template) {
      deployments++;
      const inner = countResources(r.properties.template);
      resources += inner.resources;
      deployments += inner.deployments;
    } else resources++;
  }
  return { resources, deployments };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const exe = bicepPath();
    console.log(`bicep ${bicepVersion()} at ${relative(root, exe)}`);
    const template = buildInfra(join(root, ".local/bicep-out"));
    const { resources, deployments } = countResources(template);
    console.log(
      `build: infra/main.bicep → .local/bicep-out/main.json, ${resources} resource declarations in ${deployments} modules, 0 diagnostics`,
    );
    lintInfra();
    console.log("lint: 0 diagnostics");
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
