// Where in its file a loaded resource's fields are, so that problems found later (references
// between files) still point at a line. Kept beside the resource objects in a WeakMap, so the
// YAML syntax tree lives exactly as long as the resource does.

type LineOf = (path: string) => number | undefined;

const lines = new WeakMap<object, LineOf>();

export function rememberLines(resource: object, lineOf: LineOf): void {
  lines.set(resource, lineOf);
}

/** The line of a field path (e.g. spec.accountRef.name) of a loaded resource, when known. */
export function lineIn(resource: object, path: string): number | undefined {
  return lines.get(resource)?.(path);
}
