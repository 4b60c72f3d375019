import type { AccountConnection } from "../sweep/connect.js";

// An account's connection as its sweeps share it, in the operator and in `hush run` alike. When
// it is retired (the account's spec or Secret changed, or the account went) it serves no new
// sweep, and closes once the last sweep that borrowed it gave it back: a rotation never cuts a
// sweep short, and a connection is closed exactly once.

/** A borrowed connection; give it back when the sweep ended. */
export interface ConnectionLease {
  connection: AccountConnection;
  release(): Promise<void>;
}

export class SharedConnection {
  private users = 0;
  private retired = false;
  private closing: Promise<void> | undefined;

  /** `unwatch` stops reporting the connection (its budget metrics) once it is retired. */
  constructor(
    readonly connection: AccountConnection,
    private readonly unwatch?: () => void,
  ) {}

  /** Lends the connection to one sweep; release is idempotent. */
  borrow(): ConnectionLease {
    this.users += 1;
    let released = false;
    return {
      connection: this.connection,
      release: async () => {
        if (released) return;
        released = true;
        this.users -= 1;
        if (this.retired && this.users === 0) await this.close();
      },
    };
  }

  /** Serves no new sweep from now on; resolves once closed when no sweep uses it, else at once. */
  retire(): Promise<void> {
    if (!this.retired) {
      this.retired = true;
      this.unwatch?.();
    }
    return this.users === 0 ? this.close() : Promise.resolve();
  }

  private close(): Promise<void> {
    this.closing ??= this.connection.close().catch(() => undefined);
    return this.closing;
  }
}
