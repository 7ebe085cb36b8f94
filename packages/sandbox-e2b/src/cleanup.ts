/**
 * Kills live E2B sandboxes when the host is stopped by a signal. A hard exit (`process.exit`, a crash)
 * cannot wait for network calls; the sandbox's own E2B timeout is the backstop that always holds.
 */

type Killer = () => Promise<unknown>;

const live = new Set<Killer>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const KILL_GRACE_MS = 3_000;

/** Tracks a live sandbox until the returned function is called. */
export function trackForExit(kill: Killer): () => void {
  live.add(kill);
  if (live.size === 1) for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    if (live.delete(kill) && live.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  // When this is the only listener, Node would have exited on the signal: do so after the cleanup.
  const alone = process.listenerCount(signal) === 1;
  const kills = [...live].map((kill) => kill().catch(() => undefined));
  live.clear();
  for (const s of SIGNALS) process.off(s, onSignal);
  const grace = new Promise((resolve) => setTimeout(resolve, KILL_GRACE_MS).unref());
  void Promise.race([Promise.all(kills), grace]).then(() => {
    if (alone) process.kill(process.pid, signal);
  });
}
