// Observability: Prometheus metrics, the audit stream and the log (docs/metrics.md, docs/audit.md).
export * from "./audit.js";
export { combineSweepObservers } from "./combine.js";
export {
  createLogger,
  LOG_LEVELS,
  type LoggerOptions,
  type LogLevel,
  REDACT_PATHS,
  REDACTED,
} from "./logger.js";
export { createMetrics, type HushMetrics, type MetricsOptions, type PolicyRef } from "./metrics.js";
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from "./metrics-server.js";
export { type AccountRef, teeRequestLogger } from "./request-metrics.js";
