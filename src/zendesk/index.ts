// The public API of the Zendesk client.
export type { BucketName, BucketUse, RateBudgetOptions, RateBudgetSnapshot } from "./budget.js";
export { BUCKETS, RateBudget } from "./budget.js";
export type {
  QueryValue,
  ZendeskClientOptions,
  ZendeskClientTimeouts,
  ZendeskRequest,
  ZendeskResponse,
} from "./client.js";
export { ZendeskClient } from "./client.js";
export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
// Endpoints, pagination and jobs.
export * from "./comments.js";
export type { ZendeskCredentials } from "./credentials.js";
export { authorizationHeader, resolveBaseUrl } from "./credentials.js";
export * from "./deleted-tickets.js";
export type { ErrorContext, ZendeskErrorKind } from "./errors.js";
export {
  AuthenticationError,
  ClosedTicketError,
  ConflictError,
  classifyError,
  isClosedTicketRefusal,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  TooManyJobsError,
  UnavailableError,
  UnexpectedResponseError,
  ValidationError,
  ZendeskError,
} from "./errors.js";
export * from "./identities.js";
export * from "./imports.js";
export * from "./incremental.js";
export * from "./jobs.js";
export * from "./paginate.js";
export type { PinoLikeLogger, RequestLogEntry, RequestLogger } from "./request-log.js";
export { pinoRequestLogger, silentRequestLogger } from "./request-log.js";
export type { RetrySettings } from "./retry-policy.js";
export * from "./search.js";
export * from "./search-export.js";
export { credentialsFromSecretData, SECRET_KEYS } from "./secret-credentials.js";
export * from "./tickets.js";
export * from "./types.js";
export * from "./users.js";
