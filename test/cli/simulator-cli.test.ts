import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const hush = fileURLToPath(new URL("../../bin/hush", import.meta.url));

/** Starts `hush simulator` as a user would and waits for its banner. */
async function startCli(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(hush, ["simulator", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    out += chunk;
  });
  const deadline = Date.now() + 60_000;
  while (!out.includes("Ctrl-C stops")) {
    if (child.exitCode !== null) throw new Error(`hush simulator exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`hush simulator printed no banner:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => out };
}

describe("hush simulator (the CLI)", () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    }
  });

  it("serves 10,000 seeded tickets and answers a Zendesk search with Zendesk-shaped JSON and rate-limit headers", async () => {
    const { child, output } = await startCli([
      "--port",
      "0",
      "--tickets",
      "10000",
      "--seed",
      "1",
      "--plan",
      "enterprise",
    ]);
    children.push(child);
    const url = /url:\s+(\S+)/.exec(output())![1]!;
    const credentials = /admin:\s+(\S+\/token:\S+)/.exec(output())![1]!;
    const res = await fetch(
      `${url}/api/v2/search.json?query=${encodeURIComponent("type:ticket status:closed")}`,
      {
        headers: { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-rate-limit")).toBe("700");
    expect(Number(res.headers.get("x-rate-limit-remaining"))).toBe(699);
    expect(res.headers.get("ratelimit-reset")).toMatch(/^\d+$/);
    const body = (await res.json()) as any;
    expect(body.count).toBeGreaterThan(100);
    expect(body.results).toHaveLength(100);
    expect(body.results[0]).toMatchObject({ result_type: "ticket", status: "closed" });
    expect(body.next_page).toContain("page=2");
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("names the option and what is allowed when an option is wrong", async () => {
    const child = spawn(hush, ["simulator", "--plan", "platinum"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (chunk) => {
      err += chunk;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(err).toContain(
      "--plan must be one of team, growth, professional, enterprise, enterprise_plus, high_volume",
    );
  });
});
