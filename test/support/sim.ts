import { afterAll, beforeAll } from "vitest";
import { Simulator, type SimulatorOptions } from "../../src/simulator/simulator.js";

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A started in-process simulator plus a small authenticated client for its default account. */
export interface SimHandle {
  sim: Simulator;
  url: string;
  /** `Authorization` header of the default account's admin (API token). */
  adminAuth: string;
  agentAuth: string;
  deleterAuth: string;
  /** Calls the API as the admin unless `auth` is given (`null`: no Authorization header). */
  api<T = any>(method: string, path: string, body?: unknown, auth?: string | null): Promise<ApiResponse<T>>;
  /** Calls /__sim inspection endpoints. */
  inspect<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export const basic = (email: string, token: string): string =>
  `Basic ${Buffer.from(`${email}/token:${token}`).toString("base64")}`;

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimHandle> {
  const sim = new Simulator(options);
  const url = await sim.listen(0);
  const c = sim.describe()[0]!.credentials;
  const adminAuth = basic(c.admin.email, c.admin.token);
  const request = async (
    method: string,
    path: string,
    body: unknown,
    auth: string | null,
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (auth) headers["authorization"] = auth;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // plain-text bodies (e.g. the account 429) stay strings
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    sim,
    url,
    adminAuth,
    agentAuth: basic(c.agent.email, c.agent.token),
    deleterAuth: basic(c.deleter.email, c.deleter.token),
    api: (method, path, body, auth) => request(method, path, body, auth === undefined ? adminAuth : auth),
    inspect: async (method, path, body) => (await request(method, path, body, null)).body,
  };
}

/** Starts a simulator for a test file and stops it afterwards; read `.current` inside tests. */
export function useSimulator(options: SimulatorOptions = {}): { current: SimHandle } {
  const holder = {} as { current: SimHandle };
  beforeAll(async () => {
    holder.current = await startSimulator(options);
  });
  afterAll(async () => {
    await holder.current?.sim.close();
  });
  return holder;
}
