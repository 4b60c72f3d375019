import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Tests that run the real CLI need the compiled build; compile once when sources changed. A type
 * error elsewhere must not stop unrelated tests (the test command type-checks on its own first),
 * so a failed build is reported and only the CLI tests then fail.
 */
export default function setup(): void {
  const script = fileURLToPath(new URL("../scripts/build-if-stale", import.meta.url));
  try {
    execFileSync(script, { stdio: "inherit" });
  } catch {
    console.warn("hush: the build failed (see the errors above); tests that run bin/hush will fail");
  }
}
