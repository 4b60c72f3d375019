// A language pack: names and the sentences of typical support conversations, with slots that the
// seed fills with personal data ({name} {first} {email} {phone} {address} {card} {iban} {nid} {ip})
// and with data that is not personal ({order} {invoice} {product} {sku} {date} {amount} {agent}).

export type Topic = "delivery" | "refund" | "access" | "invoice";
export const TOPICS: readonly Topic[] = ["delivery", "refund", "access", "invoice"];

export interface LanguagePack {
  /** Zendesk locale prefix of the language ("da", "pt-BR"). */
  code: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** Latin transliterations, index-aligned with the names, for scripts email addresses cannot use. */
  latinFirstNames?: readonly string[];
  latinLastNames?: readonly string[];
  subjects: Readonly<Record<Topic, readonly string[]>>;
  /** The customer's first message per topic. */
  openings: Readonly<Record<Topic, readonly string[]>>;
  /** Later customer messages, most of them handing over some personal detail. */
  followUps: readonly string[];
  /** Public agent replies (after the greeting). */
  replies: readonly string[];
  /** Private agent notes. */
  internalNotes: readonly string[];
  /** The customer's last word. */
  closings: readonly string[];
  /** Agent greeting, e.g. "Hej {first}," */
  greeting: string;
  /** Agent sign-off, followed by the agent's name. */
  signoff: string;
  ratingGood: readonly string[];
  ratingBad: readonly string[];
}
