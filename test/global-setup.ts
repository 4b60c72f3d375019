import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Tests that run the real CLI need the compiled build; compile once when sources changed. */
export default function setup(): void {
  const script = fileURLToPath(new URL("../scripts/build-if-stale", import.meta.url));
  execFileSync(script, { stdio: "inherit" });
}
