// `kubectl get` prints a table aligned with a tab writer: every column starts where its header
// starts. Headers may hold a single space ("LAST SWEEP"); columns are separated by at least two.

export type TableRow = Record<string, string>;

export function parseTable(output: string): { headers: string[]; rows: TableRow[] } {
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  const header = lines[0] ?? "";
  const starts: number[] = [];
  const headers: string[] = [];
  for (const match of header.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(match.index);
    headers.push(match[0]);
  }
  const rows = lines
    .slice(1)
    .map((line) =>
      Object.fromEntries(
        headers.map((name, i) => [name, line.slice(starts[i], starts[i + 1] ?? line.length).trim()]),
      ),
    );
  return { headers, rows };
}
