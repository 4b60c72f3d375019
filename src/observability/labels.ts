// Label values are the one place where a metric could leak what it describes. Hush's labels carry
// resource names and fixed words only; these guards make sure that a value which is neither (an
// email that slipped into a name, a concrete path with an id) becomes a fixed word instead, so that
// a bug elsewhere cannot put personal data on a dashboard or grow a series per item.

/** A Kubernetes object name or namespace (DNS-1123 subdomain): lower-case, digits, `-` and `.`. */
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Hush's and Zendesk's vocabulary: CamelCase reasons, kinds, results, detector names. */
const WORD = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** A Zendesk route template: path segments of words or `{placeholders}`, never a number. */
const ROUTE_SEGMENT = /^([a-z_][a-z0-9_.]{0,63}|\{[a-z_]{1,32}\})$/;
/** Network error codes, e.g. UND_ERR_SOCKET, ECONNRESET. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Stands for a name that is not a valid resource name (so it could be anything). */
export const INVALID_NAME = "InvalidName";
/** Stands for a value outside Hush's vocabulary. */
export const OTHER = "Other";

export function resourceLabel(name: string): string {
  return RESOURCE_NAME.test(name) ? name : INVALID_NAME;
}

export function wordLabel(word: string | undefined): string {
  return word !== undefined && WORD.test(word) ? word : OTHER;
}

/** A word from a closed list, e.g. the policy actions; anything else is `Other`. */
export function enumLabel<T extends string>(
  word: string | undefined,
  allowed: readonly T[],
): T | typeof OTHER {
  return word !== undefined && (allowed as readonly string[]).includes(word) ? (word as T) : OTHER;
}

export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : OTHER;
}

/**
 * The route template as the client logs it (`/api/v2/tickets/{id}`). A concrete path (a number
 * where a placeholder belongs) or a query string would make one series per item, so it is `Other`.
 */
export function routeLabel(route: string): string {
  if (!route.startsWith("/") || route.length > 200) return OTHER;
  const segments = route.slice(1).split("/");
  return segments.every((segment) => ROUTE_SEGMENT.test(segment)) ? route : OTHER;
}

export function errorCodeLabel(code: string | undefined): string {
  return code !== undefined && ERROR_CODE.test(code) ? code : OTHER;
}

type Labels = Record<string, string>;

/** What the tracker needs of a prom-client metric. */
export interface RemovableMetric {
  remove(labels: Labels): void;
}

/**
 * Remembers which series were made for which owner (a policy or an account), so that they can be
 * removed when the owner goes away: prom-client removes series by their full label set only, and
 * a deleted policy's last values must not stay on dashboards as if it were still there.
 */
export class SeriesTracker {
  private readonly owners = new Map<string, Map<RemovableMetric, Map<string, Labels>>>();

  /** Notes that `metric` has a series with `labels` belonging to `owner`; returns the labels. */
  note<L extends Labels>(owner: string, metric: RemovableMetric, labels: L): L {
    let metrics = this.owners.get(owner);
    if (!metrics) {
      metrics = new Map();
      this.owners.set(owner, metrics);
    }
    let series = metrics.get(metric);
    if (!series) {
      series = new Map();
      metrics.set(metric, series);
    }
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (!series.has(key)) series.set(key, labels);
    return labels;
  }

  /** Removes every series noted for `owner`. */
  forget(owner: string): void {
    const metrics = this.owners.get(owner);
    if (!metrics) return;
    for (const [metric, series] of metrics) {
      for (const labels of series.values()) metric.remove(labels);
    }
    this.owners.delete(owner);
  }
}

export function ownerKey(kind: "policy" | "account", ref: { namespace: string; name: string }): string {
  return `${kind}:${ref.namespace}/${ref.name}`;
}
