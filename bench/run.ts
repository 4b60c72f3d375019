// Runs the benchmarks, each in its own Node process so that one's memory does not weigh on the
// other's figures: `node dist/bench/run.js [name] [options]`. Without a name every benchmark runs
// with the options given (each reads the ones it knows).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHMARKS: Record<string, { file: string; what: string }> = {
  "seed-scale": { file: "seed-scale.js", what: "seeding and searching one large account (--tickets N)" },
  "redaction-strategies": {
    file: "redaction-strategies.js",
    what: "InPlace, Replace and Replace with permanent deletion on closed tickets (--closed-tickets N)",
  },
};

const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && first in BENCHMARKS;
const selected = named ? [first] : Object.keys(BENCHMARKS);
const args = named ? rest : process.argv.slice(2);

let failed = false;
for (const name of selected) {
  const { file, what } = BENCHMARKS[name]!;
  console.log(`\n== ${name}: ${what}`);
  const script = fileURLToPath(new URL(file, import.meta.url));
  const result = spawnSync(process.execPath, [...process.execArgv, script, ...args], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`${name} failed (exit ${result.status ?? result.signal})`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
