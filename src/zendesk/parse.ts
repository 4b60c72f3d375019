import { z } from "zod";
import type { ZendeskClient, ZendeskRequest } from "./client.js";
import { UnexpectedResponseError } from "./errors.js";

// Checks the parts of Zendesk's responses that Hush relies on. Objects are loose: Zendesk adds
// fields over time and the client keeps them. A shape Hush cannot work with is an error naming the
// route and the offending paths, never the values (they may be personal data).

/** Where a response came from, for error messages. */
export interface ResponseOrigin {
  method: string;
  route: string;
  status: number;
}

/**
 * Checks `body` against `schema` and returns it as the record type `T` the schema vouches for (the
 * schema checks what Hush relies on; types.ts describes the rest), or throws UnexpectedResponseError
 * listing the paths and issue codes.
 */
export function parseResponse<T>(schema: z.ZodType, body: unknown, origin: ResponseOrigin): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data as T;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join(".") || "(body)"}: ${issue.code}`);
  throw new UnexpectedResponseError(
    { method: origin.method, route: origin.route, status: origin.status },
    problems.join(", "),
  );
}

const id = z.number().int();

export const ticketSchema = z.looseObject({
  id,
  status: z.string(),
  tags: z.array(z.string()),
  updated_at: z.string(),
  created_at: z.string(),
});

export const attachmentSchema = z.looseObject({ id, content_url: z.string() });

export const commentSchema = z.looseObject({
  id,
  author_id: id,
  public: z.boolean(),
  attachments: z.array(attachmentSchema),
});

export const userSchema = z.looseObject({ id, role: z.string() });

export const identitySchema = z.looseObject({ id, user_id: id, type: z.string(), value: z.string() });

export const jobResultSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  index: z.number().int().optional(),
  success: z.boolean().optional(),
});

export const jobStatusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  results: z.union([z.array(jobResultSchema), z.looseObject({}), z.null()]).optional(),
});

/** Sends `request` and returns its body checked by `schema`. */
export async function requestParsed<T>(
  client: ZendeskClient,
  request: ZendeskRequest,
  schema: z.ZodType,
): Promise<T> {
  const response = await client.request<unknown>(request);
  return parseResponse<T>(schema, response.body, {
    method: request.method,
    route: request.route,
    status: response.status,
  });
}

/** Sends `request` and returns the record under `key` (`{"ticket": {...}}`), checked by `schema`. */
export async function requestRecord<T>(
  client: ZendeskClient,
  request: ZendeskRequest,
  key: string,
  schema: z.ZodType,
): Promise<T> {
  const body = await requestParsed<Record<string, T>>(client, request, z.looseObject({ [key]: schema }));
  return body[key] as T;
}

/** Sends `request` and returns the list under `key` (`{"tickets": [...]}`), each entry checked by `item`. */
export async function requestList<T>(
  client: ZendeskClient,
  request: ZendeskRequest,
  key: string,
  item: z.ZodType,
): Promise<T[]> {
  const body = await requestParsed<Record<string, T[]>>(
    client,
    request,
    z.looseObject({ [key]: z.array(item) }),
  );
  return body[key] as T[];
}

/** `{signal}` when there is one, for spreading into a request. */
export const signalOf = (signal: AbortSignal | undefined): { signal?: AbortSignal } =>
  signal ? { signal } : {};
