import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crdFiles, RESOURCES_DOC, withGeneratedReference } from "./generated-files.js";

// `npm run crds`: writes crds/*.yaml and the field reference in docs/resources.md from the zod
// schemas. Run from the repository root (npm does that); prints what changed.

async function main(root: string): Promise<void> {
  const docPath = join(root, RESOURCES_DOC);
  const files = [
    ...crdFiles(),
    { path: RESOURCES_DOC, text: withGeneratedReference(await readFile(docPath, "utf8")) },
  ];
  for (const file of files) {
    const path = join(root, file.path);
    const before = await readFile(path, "utf8").catch(() => undefined);
    if (before === file.text) continue;
    await writeFile(path, file.text);
    console.log(`wrote ${file.path}`);
  }
}

main(process.cwd()).catch((error: unknown) => {
  console.error(`npm run crds: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
