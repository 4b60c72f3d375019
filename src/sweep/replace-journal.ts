// What Replace writes down about each original while it works on it, so that a later run can find
// a copy that Zendesk cannot show yet. Zendesk finds a copy by its external_id only through the
// ticket list (which leaves archived tickets out, ZENDESK_API.md 5.8) and search (which lags behind
// by about a minute, "up to a few minutes", 4.1); a closed copy with old dates may be archived
// before search has indexed it, and then neither finds it. A journal entry closes that gap: the
// copy's id is read directly (by id, archived or not), and while an import of unknown outcome is
// younger than the search lag, no second import is sent. The sweep (issue 4) keeps the entries
// where they outlive the process; without a journal only the in-process run is covered.

/** One original's progress: written before its copy is imported, and again once its id is known. */
export interface ReplaceEntry {
  /** When the import was sent (epoch ms on the client's clock). */
  importSentAt: number;
  /** The copy's id, once Zendesk answered the import or the copy was found. */
  copyId?: number;
}

/** Durable storage of entries by original ticket id. Writes must be durable when they resolve. */
export interface ReplaceJournal {
  get(originalId: number): Promise<ReplaceEntry | undefined>;
  set(originalId: number, entry: ReplaceEntry): Promise<void>;
  /** The original is replaced and gone (permanently, where asked): its entry is no longer needed. */
  delete(originalId: number): Promise<void>;
}

/**
 * How long after an import of unknown outcome search is trusted to show its copy. Zendesk documents
 * about a minute and "up to a few minutes" (4.1); ten leaves room for a slow index.
 */
export const SEARCH_SETTLE_MS = 10 * 60_000;

/** A journal in memory: for one process (and for tests); it forgets everything on a restart. */
export function memoryReplaceJournal(): ReplaceJournal & {
  readonly entries: ReadonlyMap<number, ReplaceEntry>;
} {
  const entries = new Map<number, ReplaceEntry>();
  return {
    entries,
    get: async (originalId) => {
      const entry = entries.get(originalId);
      return entry && { ...entry };
    },
    set: async (originalId, entry) => {
      entries.set(originalId, { ...entry });
    },
    delete: async (originalId) => {
      entries.delete(originalId);
    },
  };
}
