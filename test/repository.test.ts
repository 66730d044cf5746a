import { execFileSync } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";

/*
 * The repository stands on its own: whoever clones it gets everything its files name. Every
 * file that a commit of this working tree would carry (tracked, plus new files git does not
 * ignore) is scanned for three kinds of reference to something a clone does not have:
 *  - a relative path that climbs out of the repository, or lands on nothing in it;
 *  - a Markdown document that is not in the repository;
 *  - an absolute path on somebody's machine.
 * The patterns below are written so that this file does not match them itself; it is scanned
 * like every other file.
 */

const ROOT = join(import.meta.dirname, "..");

/** What the scanner needs to know about the repository. */
interface Repo {
  /** A file, or a directory holding files, at this path relative to the root. */
  has(path: string): boolean;
  /** Git ignores this path (local state such as `.local/` that a clone makes itself). */
  ignored(path: string): boolean;
}

interface Finding {
  file: string;
  line: number;
  match: string;
  problem: string;
}

// A relative path with at least one parent step, optionally after some leading segments; never
// the middle of a URL or of a longer path (the look-behind), and each segment starting with a word
// character, so an ellipsis is not a segment.
const RELATIVE = /(?<![\w@./\\-])((?:[\w@-][\w@.-]*\/)*(?:\.\.[\\/])+[\w@./-]*)/g;
// A Markdown document by name, possibly with directories before it (not inside a URL).
const MARKDOWN = /(?<![\w@./\\-])((?:[\w@-][\w@.-]*\/)*[\w-][\w.-]*\.md)\b/g;
// Absolute paths of a machine: Unix home and work directories, a file URL, a Windows user folder.
const MACHINE =
  /(?<![\w.\\-])(\/(?:work|home|Users|mnt|srv|root)\/[\w.-]+|file:\/\/\/?[\w.-]+|[A-Za-z]:\\{1,2}(?:Users|Documents and Settings)\b)/g;

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** `.js` in an import stands for the TypeScript file next to it, or for its declarations (`.d.ts`). */
function exists(path: string, repo: Repo): boolean {
  const p = path.replace(/\/+$/, "");
  if (p === "" || p === ".") return true;
  return repo.has(p) || (p.endsWith(".js") && [".ts", ".d.ts"].some((ext) => repo.has(p.replace(/\.js$/, ext)))) || repo.ignored(p);
}

function findingsIn(file: string, text: string, repo: Repo): Finding[] {
  const findings: Finding[] = [];
  const dir = posix.dirname(file);
  const add = (index: number, match: string, problem: string) => findings.push({ file, line: lineOf(text, index), match, problem });

  for (const m of text.matchAll(RELATIVE)) {
    const path = m[1]!.replace(/\\/g, "/").replace(/(?<=\w)\.$/, ""); // a sentence may end right after a path
    const resolved = posix.normalize(posix.join(dir, path));
    if (resolved === ".." || resolved.startsWith("../")) add(m.index, m[1]!, "climbs out of the repository");
    else if (!exists(resolved, repo)) add(m.index, m[1]!, `names ${resolved}, which is not in the repository`);
  }
  for (const m of text.matchAll(MARKDOWN)) {
    const name = m[1]!;
    const candidates = [posix.normalize(posix.join(dir, name)), posix.normalize(name)];
    if (!candidates.some((c) => repo.has(c)) && !repo.has(`**/${posix.basename(name)}`)) {
      add(m.index, name, "names a document that is not in the repository");
    }
  }
  for (const m of text.matchAll(MACHINE)) add(m.index, m[1]!, "names a path on somebody's machine");
  return findings;
}

// ---- the repository as git sees it --------------------------------------------------------

const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" });

// Tracked files and new ones that are not ignored; a tracked file deleted in the working tree is
// on its way out and has nothing to read (lstat, so that a dangling link still counts).
const present = (f: string) => {
  try {
    lstatSync(join(ROOT, f));
    return true;
  } catch {
    return false;
  }
};
const FILES = [...new Set(git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean))]
  .filter(present)
  .sort();

function repoOf(files: string[]): Repo {
  const set = new Set(files);
  const dirs = new Set(
    files.flatMap((f) =>
      f
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
    ),
  );
  const names = new Set(files.map((f) => `**/${posix.basename(f)}`));
  return {
    has: (p) => set.has(p) || dirs.has(p) || names.has(p),
    ignored: (p) => {
      try {
        git("check-ignore", "-q", "--no-index", p);
        return true;
      } catch {
        return false; // exit status 1: not ignored
      }
    },
  };
}

/**
 * Strings that look like paths out of the repository but are data, not references. Each entry
 * must still be found where it says (a stale entry fails the test), and nothing else is excused.
 */
const up = ".." + "/";
const NOT_REFERENCES = [
  {
    file: "test/domain.test.ts",
    match: `${up}${up}Mijn`,
    why: "a hostile upload file name that sanitiseFileName must reduce to its last part",
  },
  { file: "test/uploads.test.ts", match: `${up}${up}Mijn`, why: "the same hostile file name, sent through a real upload" },
  { file: "test/domain.test.ts", match: "C:" + "\\\\Users", why: "a Windows path as a browser may send it as the file name" },
];

const BINARY_TYPES = /\.(png|jpe?g|gif|webp|ico|pdf|woff2?)$/i;

describe("the repository stands on its own", () => {
  it("when a text names a path outside the repository, a missing document or a local path, then the scanner reports it", () => {
    const repo = repoOf(["README.md", "CONTRIBUTING.md", "shared/domain/bsn.ts", "dev/start.ts"]);
    const api = "API" + ".md";
    const notes = "NOTES" + ".md"; // not in the repository, but only inside a URL
    const machinePath = "/work" + "/shared/REQ";

    expect(findingsIn("README.md", `The rules come from the DPIA (\`${up}shared/seed/dpia-hallowerk.txt\`).`, repo)).toEqual([
      expect.objectContaining({ line: 1, match: `${up}shared/seed/dpia-hallowerk.txt`, problem: "climbs out of the repository" }),
    ]);
    expect(findingsIn("shared/domain/visibility.ts", `// line one\n// Who sees what (${api} "Who sees what").`, repo)).toEqual([
      expect.objectContaining({ line: 2, match: api, problem: "names a document that is not in the repository" }),
    ]);
    expect(findingsIn("shared/domain/retention.ts", `// see ${up}seed/dpia.txt and ${up}${up}${up}x`, repo).map((f) => f.problem)).toEqual([
      "names shared/seed/dpia.txt, which is not in the repository",
      "climbs out of the repository",
    ]);
    expect(findingsIn("dev/x.ts", `const spec = "${machinePath}";`, repo)).toEqual([
      expect.objectContaining({ problem: "names a path on somebody's machine" }),
    ]);

    // What is fine: imports inside the repository (.js for .ts), documents that are there, URLs.
    expect(
      findingsIn(
        "functions/x.ts",
        `import { isBsn } from "${up}shared/domain/bsn.js";\nawait import("${up}dev/start.ts");\n// See [how](CONTRIBUTING.md), https://example.org/a/${up}b/${notes} and ${up}README.md.`,
        repo,
      ),
    ).toEqual([]);
  });

  it("when every file a commit would carry is scanned, then none names anything a clone lacks", () => {
    expect(FILES.length).toBeGreaterThan(50); // the listing worked
    const repo = repoOf(FILES);
    const found: Finding[] = [];
    const binary: string[] = [];
    for (const file of FILES) {
      // A symbolic link names its target: scan that, so a link out of the repository is caught.
      if (lstatSync(join(ROOT, file)).isSymbolicLink()) {
        found.push(...findingsIn(file, readlinkSync(join(ROOT, file)), repo));
        continue;
      }
      const bytes = readFileSync(join(ROOT, file));
      if (bytes.includes(0)) {
        binary.push(file);
        continue;
      }
      found.push(...findingsIn(file, bytes.toString("utf8"), repo));
    }

    // Binary files cannot name paths in a way a reader follows; only media may be binary.
    expect(binary.filter((f) => !BINARY_TYPES.test(f))).toEqual([]);

    const excused = (f: Finding) => NOT_REFERENCES.some((n) => n.file === f.file && n.match === f.match);
    for (const n of NOT_REFERENCES) {
      expect(
        found.some((f) => f.file === n.file && f.match === n.match),
        `${n.file}: ${n.match} (${n.why}) is still there`,
      ).toBe(true);
    }
    expect(found.filter((f) => !excused(f)).map((f) => `${f.file}:${f.line}: ${f.match} ${f.problem}`)).toEqual([]);
  });
});
