// glibc's malloc, left at its defaults, keeps much of what a long-running service once held:
// its mmap threshold rises to the largest buffer freed (up to 32 MiB), so later message-sized
// buffers (NATS payloads, COPY text) come from the main arena, whose freed middle is never
// given back, and every thread that allocates gets an arena of its own. Measured on a
// 1,000,000-row transaction (tools/bench/src/large-transaction.ts; docs/benchmarks.md, "Peak
// RSS and glibc's malloc"): the applier's peak RSS 0.73x with the two settings below, the
// main arena 86 -> 33 MiB. They must be in the environment when the process starts (glibc
// reads them once), so a service can only say so; the container image sets them.

/** The malloc settings the services are measured and shipped with (the Dockerfile's ENV). */
export const RECOMMENDED_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '262144',
};

/** The C library's glibc version, or undefined (musl, macOS, Windows). */
export function glibcVersion(): string | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime;
}

/**
 * One line for the log when this process runs on glibc without the recommended settings, or
 * undefined (settings present, or another C library). A setting given with another value is
 * the operator's choice and not mentioned.
 */
export function mallocSettingsAdvice(
  env: NodeJS.ProcessEnv = process.env,
  runtimeGlibc: () => string | undefined = glibcVersion,
): string | undefined {
  const missing = Object.entries(RECOMMENDED_MALLOC_ENV).filter(([name]) => env[name] === undefined);
  if (missing.length === 0) return undefined;
  // Asked only now: the report behind it takes a few ms of every start-up.
  const glibc = runtimeGlibc();
  if (glibc === undefined) return undefined;
  return (
    `glibc ${glibc} malloc at its defaults: start the service with ` +
    `${missing.map(([name, value]) => `${name}=${value}`).join(' ')} in its environment for a lower peak memory ` +
    '(README, "Memory")'
  );
}
