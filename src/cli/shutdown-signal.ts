// SIGINT and SIGTERM as the long-running commands (hush run, hush operator) take them: the first
// asks the command to stop (sweeps wind down or checkpoint); a second one does not wait and ends
// the process at once with the conventional code (128 + the signal's number).

/** Runs `command` with a signal that aborts on the first SIGINT/SIGTERM; removes the handlers after. */
export async function withShutdownSignal<T>(command: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(signal === "SIGINT" ? 130 : 143);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await command(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
