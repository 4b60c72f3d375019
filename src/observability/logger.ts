import pino from "pino";

// Hush's log: JSON lines on stderr (stdout stays for a command's output). Secrets and contact data
// must never reach it; Hush logs ids, names of resources and counts only, and the redact paths
// below are the second line of defence for an object passed whole (a config, a request, an error
// with headers), at the top level and three levels down.

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Default info. */
  level?: LogLevel | string;
  /** Where lines go; default stderr (written synchronously, so that nothing is lost at exit). */
  destination?: pino.DestinationStream;
  /** Added to every line as `name`. */
  name?: string;
}

/** Keys whose values are secrets or contact data wherever they appear. */
export const SECRET_KEYS = [
  "authorization",
  "Authorization",
  "cookie",
  "token",
  "apiToken",
  "api_token",
  "oauthToken",
  "oauth_token",
  "accessToken",
  "access_token",
  "refreshToken",
  "password",
  "secret",
  "clientSecret",
  "pseudonymKey",
  "credentials",
  "email",
  "emails",
  "phone",
] as const;

/** Nesting levels the redaction reaches (pino's wildcards match exactly one level each). */
const DEPTH = 4;

export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) =>
  Array.from({ length: DEPTH }, (_, depth) => [...Array<string>(depth).fill("*"), key].join(".")),
);

export const REDACTED = "[Redacted]";

export function createLogger(options: LoggerOptions = {}): pino.Logger {
  const level = options.level ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(`unknown log level "${level}"; use one of ${LOG_LEVELS.join(", ")}`);
  }
  return pino(
    {
      level,
      ...(options.name === undefined ? {} : { name: options.name }),
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
