// The redaction engine's public API: pure functions from texts and Zendesk records to findings,
// masked text and plans. Nothing here performs I/O.

export { detect } from "./detect.js";
export { compileCustomPattern, customPatternProblem } from "./detectors/custom.js";
export {
  fullModeRanges,
  type HtmlElement,
  type HtmlText,
  type MarkupRequest,
  type RedactMarkup,
  readHtmlText,
  redactMarkup,
} from "./html.js";
export { applyMasking, graphemes, maskableSpans, maskFull, replacementFor, type Span } from "./mask.js";
export { isPseudonym, normaliseIdentifier, pseudonym } from "./pseudonym.js";
export {
  type AuthorRoles,
  compileTagPatterns,
  DEFAULT_EMAIL_DOMAIN,
  DEFAULT_MARKER_TAG,
  selectsAttachmentsOf,
  selectsComment,
  type TicketField,
  type TicketRedactionSpec,
  type UserAnonymizationSpec,
} from "./spec.js";
export {
  originalIdOfCopy,
  planTicketCopy,
  replacementExternalId,
  type TicketCopyInput,
  type TicketCopyPlan,
} from "./ticket-copy.js";
export {
  type AttachmentRedaction,
  type CommentRedaction,
  hasPersonalVia,
  isLiveAttachment,
  type PlanField,
  planTicketRedaction,
  type TicketRedactionInput,
  type TicketRedactionPlan,
} from "./ticket-plan.js";
export {
  DETECTOR_NAMES,
  type DetectionOptions,
  type DetectorName,
  type Finding,
  type KnownIdentifiers,
  MASK_CHAR,
  type Masking,
  type MaskingMode,
  type Replacement,
} from "./types.js";
export {
  anonymisedEmail,
  assertEmailDomain,
  FICTIONAL_PHONE_NUMBERS,
  fictionalPhone,
  type IdentityChange,
  planUserAnonymization,
  type UserAnonymizationInput,
  type UserAnonymizationPlan,
  type UserUpdate,
} from "./user-plan.js";
export { countResidual, isFullyMasked, type ResidualFinding, residualFindings } from "./verify.js";
