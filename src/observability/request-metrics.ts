import type { RequestLogEntry, RequestLogger } from "../zendesk/request-log.js";
import type { MetricSet } from "./definitions.js";
import {
  errorCodeLabel,
  methodLabel,
  ownerKey,
  resourceLabel,
  routeLabel,
  type SeriesTracker,
} from "./labels.js";

// Zendesk request log → metrics. The client logs one entry per HTTP attempt with the route
// template, never the concrete path or query (src/zendesk/request-log.ts); routeLabel() still
// refuses anything that looks like a concrete path, so that no id can become a label value.

export interface AccountRef {
  namespace: string;
  name: string;
}

export function requestMetricsLogger(
  metrics: MetricSet,
  series: SeriesTracker,
  account: AccountRef,
): RequestLogger {
  const owner = ownerKey("account", account);
  const base = { namespace: resourceLabel(account.namespace), account: resourceLabel(account.name) };
  return {
    request(entry: RequestLogEntry) {
      const route = { ...base, method: methodLabel(entry.method), route: routeLabel(entry.route) };
      const code = entry.status === null ? "error" : String(entry.status);
      metrics.requests.inc(series.note(owner, metrics.requests, { ...route, code }));
      if (Number.isFinite(entry.durationMs) && entry.durationMs >= 0) {
        metrics.requestDuration.observe(
          series.note(owner, metrics.requestDuration, route),
          entry.durationMs / 1000,
        );
      }
      if (entry.attempt > 1) metrics.retries.inc(series.note(owner, metrics.retries, route));
      if (entry.status === 429) metrics.rateLimited.inc(series.note(owner, metrics.rateLimited, route));
      if (entry.status === null) {
        const labels = { ...base, error_code: errorCodeLabel(entry.errorCode) };
        metrics.networkErrors.inc(series.note(owner, metrics.networkErrors, labels));
      }
    },
  };
}

/** One request logger that tells several (e.g. metrics and the pino log). */
export function teeRequestLogger(...loggers: RequestLogger[]): RequestLogger {
  return {
    request(entry) {
      for (const logger of loggers) logger.request(entry);
    },
  };
}
