import type { CurrentSweep } from "../api/index.js";
import type { ItemOutcome } from "../sweep/outcome.js";

// The progress line of `hush sweep` on a terminal: items done of those matched, acted and failed,
// items a second, how much of Hush's API budget the last minute used, and when the sweep should
// end. It redraws a few times a second on one line (carriage return, erase to end of line) and
// only on a terminal; piped output gets nothing until the summary. Counts and ids only: the line
// never shows anything read from Zendesk.

/** What the line shows; the sweep's progress reports set it, finished items move it on in between. */
export interface ProgressState {
  matched?: number;
  /** The most items this sweep handles (limits.maxItemsPerSweep); the rest is for the next sweep. */
  limit?: number;
  processed: number;
  acted: number;
  failed: number;
  /** Epoch ms at which the sweep expects to end, when it said. */
  estimatedEndMs?: number;
}

/** The rate budget's figures the line needs (RateBudget.snapshot()). */
export interface BudgetFigures {
  /** Requests let through since the budget was made. */
  requests: number;
  /** Hush's own requests allowed in any 60 s. */
  allowedPerMinute: number;
}

/** What was measured over the recent past: the basis of rate, budget use and ETA. */
export interface Rates {
  itemsPerSecond: number | undefined;
  requestsLastMinute: number | undefined;
}

const MINUTE = 60_000;
/** Items a second are averaged over this much of the recent past. */
const RATE_WINDOW_MS = 30_000;

/** Keeps samples of cumulative counters and answers "how much in the last N ms". */
export class CounterHistory {
  private samples: { at: number; value: number }[] = [];

  add(at: number, value: number): void {
    this.samples.push({ at, value });
    // Keep one sample older than a minute as the baseline, drop the rest of the old ones.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - MINUTE) this.samples.shift();
  }

  /** The increase over the last `ms` (or since the first sample when younger); undefined without two samples. */
  increase(ms: number): { by: number; overMs: number } | undefined {
    const last = this.samples.at(-1);
    if (!last || this.samples.length < 2) return undefined;
    let base = this.samples[0]!;
    for (const sample of this.samples) {
      if (sample.at > last.at - ms) break;
      base = sample;
    }
    return { by: last.value - base.value, overMs: last.at - base.at };
  }
}

const number = new Intl.NumberFormat("en-US");
const fmt = (n: number): string => number.format(Math.round(n));

/** 75 → "1m 15s", 4000 → "1h 6m"; for a glance, not for arithmetic. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Seconds until the sweep ends: its own estimate, else what is left at the recent rate. */
export function etaSeconds(state: ProgressState, rates: Rates, now: number): number | undefined {
  if (state.estimatedEndMs !== undefined) return Math.max(0, (state.estimatedEndMs - now) / 1000);
  const total = target(state);
  if (total === undefined || !rates.itemsPerSecond) return undefined;
  return Math.max(0, total - state.processed) / rates.itemsPerSecond;
}

function target(state: ProgressState): number | undefined {
  if (state.matched === undefined) return undefined;
  return state.limit === undefined ? state.matched : Math.min(state.matched, state.limit);
}

function bar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : width;
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
}

/**
 * One line of at most `columns` characters. When space is short the bar goes first, then the
 * budget shortens to its percentage, then rate, budget and ETA go in that order (the ETA is what
 * people look for); the counts always stay. An 80-column terminal keeps all four up to tens of
 * thousands of items.
 */
export function renderProgress(
  state: ProgressState,
  rates: Rates,
  budget: BudgetFigures | undefined,
  now: number,
  columns = 80,
): string {
  const total = target(state);
  const counts =
    total === undefined
      ? "counting matches…"
      : `${fmt(state.processed)}/${fmt(total)} items · ${fmt(state.acted)} acted · ${fmt(state.failed)} failed`;
  const rate = rates.itemsPerSecond === undefined ? undefined : `${rates.itemsPerSecond.toFixed(1)}/s`;
  let budgetLong: string | undefined;
  let budgetShort: string | undefined;
  if (budget && rates.requestsLastMinute !== undefined) {
    const used = rates.requestsLastMinute;
    const percent = budget.allowedPerMinute > 0 ? Math.round((used / budget.allowedPerMinute) * 100) : 0;
    budgetLong = `budget ${fmt(used)}/${fmt(budget.allowedPerMinute)} a min (${percent}%)`;
    budgetShort = `budget ${percent}%`;
  }
  const seconds = etaSeconds(state, rates, now);
  const eta = seconds !== undefined && total !== undefined ? `ETA ${formatDuration(seconds)}` : undefined;

  // From the fullest line to the barest; the first that fits wins, with the bar when room is left.
  const candidates = [[rate, budgetLong, eta], [rate, budgetShort, eta], [budgetShort, eta], [eta], []];
  const width = Math.max(20, columns - 1);
  for (const parts of candidates) {
    const text = [counts, ...parts.filter((part) => part !== undefined)].join(" · ");
    const room = width - text.length - 1;
    if (total !== undefined && room >= 12)
      return `${bar(state.processed, total, Math.min(30, room - 2))} ${text}`;
    if (text.length <= width) return text;
  }
  return counts.slice(0, width);
}

/** Where the line goes: a terminal (stderr, usually). */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export interface ProgressBarOptions {
  stream: ProgressStream;
  budget?: () => BudgetFigures;
  /** The most items a sweep handles (limits.maxItemsPerSweep). */
  limit?: number;
  /** Real time for rates and redraws (the sweep may run on another clock in tests). */
  now?: () => number;
  /** Least time between two redraws. */
  intervalMs?: number;
}

/** Draws ProgressState on one terminal line, at most every `intervalMs`. */
export class ProgressBar {
  private readonly state: ProgressState = { processed: 0, acted: 0, failed: 0 };
  private readonly items = new CounterHistory();
  private readonly requests = new CounterHistory();
  private readonly now: () => number;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(private readonly options: ProgressBarOptions) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 250;
    if (options.limit !== undefined) this.state.limit = options.limit;
  }

  start(): void {
    if (this.timer) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    // The line must never keep the process alive on its own.
    this.timer.unref();
  }

  /** The sweep's own report (throttled by the sweep): its counts replace ours. */
  update(progress: CurrentSweep): void {
    this.state.matched = progress.matched;
    this.state.processed = progress.processed;
    this.state.acted = progress.acted;
    this.state.failed = progress.failed;
    const end = progress.estimatedCompletionTime && Date.parse(progress.estimatedCompletionTime);
    if (end) this.state.estimatedEndMs = end;
    else delete this.state.estimatedEndMs;
  }

  matched(count: number): void {
    this.state.matched = count;
  }

  /** An item finished between two progress reports. */
  itemDone(outcome: ItemOutcome): void {
    this.state.processed += 1;
    if (outcome.result === "acted") this.state.acted += 1;
    if (outcome.result === "failed") this.state.failed += 1;
  }

  /** Stops redrawing and erases the line, so that the summary starts on a clean one. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.options.stream.write("\r\x1b[K");
    this.drawn = false;
  }

  private draw(): void {
    const now = this.now();
    this.items.add(now, this.state.processed);
    const budget = this.options.budget?.();
    if (budget) this.requests.add(now, budget.requests);
    const line = renderProgress(this.state, this.rates(), budget, now, this.options.stream.columns || 80);
    this.options.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  private rates(): Rates {
    const items = this.items.increase(RATE_WINDOW_MS);
    const requests = this.requests.increase(MINUTE);
    return {
      itemsPerSecond: items && items.overMs >= 1000 ? (items.by / items.overMs) * 1000 : undefined,
      requestsLastMinute: requests?.by,
    };
  }
}
