/**
 * What /readyz and /healthz answer, reported by the services of this process.
 *
 * Ready: every component a service registered (its NATS connection, its database, its
 * start-up) is up. Healthy: no loop reported itself dead, and every loop that beats did so
 * within its allowed silence.
 */
export class ServiceHealth {
  private readonly components = new Map<string, boolean>();
  private readonly loops = new Map<string, { lastBeatMs: number; maxSilenceMs: number }>();
  private readonly failures = new Map<string, string>();

  /** Registers or updates a readiness component, e.g. `reader shop: nats`. */
  setReady(component: string, ready: boolean): void {
    this.components.set(component, ready);
  }

  /** A loop says it is alive; it must beat again within maxSilenceMs or /healthz fails. */
  beat(loop: string, maxSilenceMs: number): void {
    this.loops.set(loop, { lastBeatMs: Date.now(), maxSilenceMs });
  }

  /** A loop stopped and will not come back by itself (a stopped partition, a failing stream). */
  fail(loop: string, reason: string): void {
    this.failures.set(loop, reason);
  }

  recover(loop: string): void {
    this.failures.delete(loop);
  }

  /** Forgets a service's entries (it stopped on purpose). */
  forget(prefix: string): void {
    for (const map of [this.components, this.loops, this.failures]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  readiness(): { ready: boolean; notReady: string[] } {
    const notReady = [...this.components].filter(([, ready]) => !ready).map(([name]) => name);
    return { ready: this.components.size > 0 && notReady.length === 0, notReady };
  }

  liveness(now = Date.now()): { healthy: boolean; problems: string[] } {
    const problems = [...this.failures].map(([loop, reason]) => `${loop}: ${reason}`);
    for (const [loop, { lastBeatMs, maxSilenceMs }] of this.loops) {
      if (now - lastBeatMs > maxSilenceMs) problems.push(`${loop}: silent for ${now - lastBeatMs} ms`);
    }
    return { healthy: problems.length === 0, problems };
  }
}

/**
 * A reader's "streaming" readiness component: false until its stream delivers (after the initial
 * snapshot for Postgres; the first VStream response for Vitess), and again while it reconnects.
 * Also registered by `cdc up` before any service starts, so /readyz cannot answer 200 for the
 * services that registered first while a reader is still starting.
 */
export function readerStreamingComponent(source: string): string {
  return `reader ${source}: source`;
}

/** The process's health (one per process, like the metrics registry). */
export const health = new ServiceHealth();
