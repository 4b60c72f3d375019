/**
 * One line per HTTP attempt, for operators and metrics. Only what cannot carry personal data or
 * secrets: the route template (ids stay out of it), never the path, query values, bodies or headers.
 */
export interface RequestLogEntry {
  method: string;
  /** Route template, e.g. `/api/v2/tickets/{id}`. */
  route: string;
  /** HTTP status; null when no response arrived. */
  status: number | null;
  durationMs: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** For attempts without a response: the network error code, e.g. `UND_ERR_SOCKET`. */
  errorCode?: string;
  /** Whether the client will try this request again. */
  willRetry: boolean;
}

export interface RequestLogger {
  request(entry: RequestLogEntry): void;
}

/** The part of a pino (or pino-like) logger the adapter needs. */
export interface PinoLikeLogger {
  debug(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** Logs successful attempts at debug and failed ones at warn. */
export function pinoRequestLogger(logger: PinoLikeLogger): RequestLogger {
  return {
    request(entry) {
      const failed = entry.status === null || entry.status >= 400;
      if (failed) logger.warn({ zendesk: entry }, "Zendesk request failed");
      else logger.debug({ zendesk: entry }, "Zendesk request");
    },
  };
}

export const silentRequestLogger: RequestLogger = { request: () => undefined };
