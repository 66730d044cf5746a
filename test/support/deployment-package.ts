import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);

/**
 * The files a deployment package holds: everything in the project folder, tracked or not, that
 * .funcignore does not exclude (gitignore rules, as azd and Core Tools read them).
 */
export function packageFiles(): string[] {
  const rules = ["--exclude-from=.funcignore"];
  const untracked = git("ls-files", "--others", ...rules);
  const excludedTracked = new Set(git("ls-files", "--cached", "--ignored", ...rules));
  const tracked = git("ls-files", "--cached").filter((f) => !excludedTracked.has(f));
  return [...new Set([...tracked, ...untracked])].sort();
}

/** Copies the package's files into a folder of their own, as the Function App receives them. */
export function stagePackage(): { dir: string; main: string } {
  const dir = mkdtempSync(join(tmpdir(), "hallowerk-package-"));
  for (const file of packageFiles()) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  const { main } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { main: string };
  return { dir, main: join(dir, main) };
}
