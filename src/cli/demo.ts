import { printAccounts, startSimulatorFromArgs, untilStopped } from "./simulator.js";

// The README's first command. For now it serves the simulator with a realistic seed and shows a
// few Zendesk calls answered by it; later issues run the example policies through it.

interface SearchPage {
  count: number;
  results: { id: number; status: string; tags: string[] }[];
}

async function getJson<T>(url: string, auth: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { authorization: auth } });
  return { status: res.status, body: (await res.json()) as T };
}

export async function runDemo(args: string[]): Promise<number> {
  const started = await startSimulatorFromArgs(args, { tickets: 10_000, port: 8080, portFallback: true });
  if (!started) return 0;
  printAccounts(started);

  const account = started.sim.describe()[0]!;
  const auth = `Basic ${Buffer.from(`${account.credentials.admin.email}/token:${account.credentials.admin.token}`).toString("base64")}`;
  const query = encodeURIComponent("type:ticket status:closed updated<90days");
  const search = await getJson<SearchPage>(
    `${account.url}/api/v2/search.json?query=${query}&per_page=3`,
    auth,
  );
  console.log(`\nGET /api/v2/search.json?query=type:ticket status:closed updated<90days -> ${search.status}`);
  console.log(
    `  ${search.body.count} closed tickets last updated more than 90 days ago (the kind a retention policy redacts)`,
  );
  for (const t of search.body.results) {
    console.log(`  #${t.id} [${t.status}] tags: ${t.tags.join(", ")}`);
  }
  const first = search.body.results[0];
  if (first) {
    const comments = await getJson<{ comments: { plain_body: string }[] }>(
      `${account.url}/api/v2/tickets/${first.id}/comments.json?page[size]=1`,
      auth,
    );
    const text = comments.body.comments[0]?.plain_body ?? "";
    console.log(`\nFirst comment of #${first.id} (synthetic data; this is what Hush will redact):`);
    console.log(`  ${text.slice(0, 400).replace(/\n/g, "\n  ")}${text.length > 400 ? " …" : ""}`);
  }
  const counts = await getJson<unknown>(`${account.url}/__sim/counts`, auth);
  console.log(`\n/__sim/counts: ${JSON.stringify(counts.body)}`);
  await untilStopped();
  await started.sim.close();
  return 0;
}
