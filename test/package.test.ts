import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { packageFiles } from "./support/deployment-package.js";

// What `azd deploy` zips (.funcignore over the project folder, after `npm run build`, which the
// global setup runs). test/registration.test.ts runs exactly these files, without node_modules.
describe("the deployment package", () => {
  it("when packaged, then it holds the bundle, host.json and package.json, and nothing else", () => {
    const files = packageFiles();
    const unexpected = files.filter(
      (f) => !/^(host\.json|package\.json|dist\/index\.js|dist\/chunks\/[\w-]+\.js|dist\/(chunks\/)?[\w.-]+\.LEGAL\.txt)$/.test(f),
    );

    expect(unexpected).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["host.json", "package.json", "dist/index.js"]));
    expect(
      files.filter((f) => /^(dev|test|infra|shared|functions|node_modules|\.local)\//.test(f) || f.endsWith(".map") || f.endsWith(".ts")),
    ).toEqual([]);
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
  });

  it("when the Functions host reads package.json, then main names the bundle and Node 22 is allowed", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { main: string; type: string; engines: { node: string } };
    expect(pkg.main).toBe("dist/index.js");
    expect(pkg.type).toBe("module");
    // infra/ runs the app on Node 22; CI runs the suite on 20 and 22.
    expect(pkg.engines.node.split("||").map((v) => v.trim())).toEqual(["20", "22"]);
  });

  it("when azd deploys, then the one service is the Function App, built here and not on the server", () => {
    const yaml = readFileSync("azure.yaml", "utf8");
    expect(yaml).toMatch(/^services:\n {2}api:\n {4}project: \.\n {4}language: ts\n {4}host: function\n {4}remoteBuild: false$/m);
    expect(readFileSync("infra/app/function.bicep", "utf8")).toMatch(/'azd-service-name': 'api'/);
  });

  it("when the host reports requests to Application Insights, then URLs go without their query strings", () => {
    // `q=` and other filters can hold names. The host strips query strings from request telemetry
    // unless enableQueryStringTracing is on; host.json pins it off, and the app logs no URLs.
    const host = JSON.parse(readFileSync("host.json", "utf8")) as { logging: { applicationInsights: Record<string, unknown> } };
    expect(host.logging.applicationInsights.enableQueryStringTracing).toBe(false);
  });
});
