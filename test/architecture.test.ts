// The module boundaries of docs/STYLE (data flows cli/controller → sweep → zendesk + redaction),
// checked on the import statements of every source file so that a shortcut cannot creep in.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

interface SourceImport {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

function importsOf(area: string): SourceImport[] {
  return sourceFiles(join(root, "src", area)).flatMap((path) => {
    const text = readFileSync(path, "utf8");
    return [...text.matchAll(IMPORT)].map((m) => ({
      file: relative(root, path),
      specifier: (m[3] ?? m[4]) as string,
      typeOnly: Boolean(m[2]),
    }));
  });
}

/** The src/ area a relative import lands in, e.g. "zendesk" for "../zendesk/types.js". */
function areaOf(imp: SourceImport): string | undefined {
  if (!imp.specifier.startsWith(".")) return undefined;
  const target = relative(join(root, "src"), join(root, imp.file, "..", imp.specifier));
  return target.split("/")[0];
}

const describeImport = (imp: SourceImport) => `${imp.file} imports ${imp.specifier}`;

describe("module boundaries", () => {
  it("keeps undici inside src/zendesk", () => {
    const areas = readdirSync(join(root, "src")).filter((a) => a !== "zendesk");
    const offenders = areas.flatMap(importsOf).filter((imp) => imp.specifier.startsWith("undici"));
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("keeps the redaction engine pure: no I/O modules and no other area except Zendesk's types", () => {
    const allowedPackages = /^(node:crypto|libphonenumber-js(\/.*)?|ibantools|stdnum|entities(\/.*)?)$/;
    const offenders = importsOf("redaction").filter((imp) => {
      const area = areaOf(imp);
      if (area === undefined) return !allowedPackages.test(imp.specifier);
      if (area === "redaction") return false;
      return !(area === "zendesk" && imp.typeOnly && imp.specifier.endsWith("/types.js"));
    });
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("lets the Zendesk client depend on nothing else in Hush", () => {
    const offenders = importsOf("zendesk").filter((imp) => {
      const area = areaOf(imp);
      return area !== undefined && area !== "zendesk";
    });
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("shares no code between the simulator and the client, so one bug cannot hide in both", () => {
    const offenders = [
      ...importsOf("simulator").filter((imp) =>
        ["zendesk", "redaction", "sweep"].includes(areaOf(imp) ?? ""),
      ),
      ...importsOf("zendesk").filter((imp) => areaOf(imp) === "simulator"),
    ];
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("keeps the sweep away from the command line and the simulator", () => {
    const offenders = importsOf("sweep").filter((imp) => ["cli", "simulator"].includes(areaOf(imp) ?? ""));
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("keeps the resources a leaf: schemas, YAML and pure checks only", () => {
    const allowedPackages = /^(node:(fs|fs\/promises|path|crypto)|zod|yaml|croner)$/;
    const offenders = importsOf("api").filter((imp) => {
      const area = areaOf(imp);
      if (area === undefined) return !allowedPackages.test(imp.specifier);
      return area !== "api" && area !== "redaction";
    });
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("lets data flow one way: nothing below the command line and the loops imports them", () => {
    const callers = ["cli", "controller", "local"];
    const offenders = ["api", "zendesk", "redaction", "sweep", "observability"].flatMap((area) =>
      importsOf(area).filter((imp) => callers.includes(areaOf(imp) ?? "")),
    );
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("keeps observability out of the client and the engine, which report through interfaces", () => {
    const offenders = ["zendesk", "redaction", "sweep", "api"].flatMap((area) =>
      importsOf(area).filter(
        (imp) => areaOf(imp) === "observability" || imp.specifier.startsWith("prom-client"),
      ),
    );
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("keeps @kubernetes/client-node inside src/controller/k8s*.ts, behind the ClusterApi port", () => {
    const areas = readdirSync(join(root, "src"));
    const offenders = areas
      .flatMap(importsOf)
      .filter((imp) => imp.specifier.startsWith("@kubernetes/client-node"))
      .filter((imp) => !/^src\/controller\/k8s[^/]*\.ts$/.test(imp.file));
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("keeps the operator's logic on the port: reconcilers never reach the Kubernetes client", () => {
    const offenders = importsOf("controller").filter(
      (imp) => !/^src\/controller\/(k8s[^/]*|operator)\.ts$/.test(imp.file) && /\/k8s-/.test(imp.specifier),
    );
    expect(offenders.map(describeImport)).toEqual([]);
  });

  it("finds the imports it checks", () => {
    // Guards the checks above against a regex that silently matches nothing.
    const simulatorImports = importsOf("simulator");
    expect(simulatorImports.some((imp) => imp.specifier === "fastify")).toBe(true);
    expect(simulatorImports.some((imp) => imp.typeOnly)).toBe(true);
  });
});
