import { loadConfig } from '@cdc/config';
import { describeError } from '@cdc/service-runtime';
import { startTelemetryServer, type TelemetryServer } from '@cdc/telemetry';
import { renderProgress, renderReport, runVerify, type VerifyOptions } from '@cdc/verify';
import { UsageError, type OptionValues } from './command-line';

/**
 * `cdc verify`: exit 0 when every compared table is equal, 1 when one is not, 2 on an error
 * (one line on stderr). The report goes to stdout (text, or JSON with --json); a progress
 * line is redrawn on stderr when it is a terminal.
 */
export async function verifyCommand(configFile: string, values: OptionValues): Promise<number> {
  const json = values.json === true;
  const signal = stopSignal();
  const started = Date.now();
  const terminal = process.stderr.isTTY && !json;
  let drawnAt = 0;
  let options: VerifyOptions;
  try {
    options = {
      config: loadConfig(configFile),
      ...optionalString(values, 'source', (source) => ({ source })),
      ...optionalString(values, 'destination', (destination) => ({ destination })),
      ...optionalString(values, 'tables', (tables) => ({ tables: tables.split(',').map((t) => t.trim()) })),
      ...optionalNumber(values, 'chunk-rows', (chunkRows) => ({ chunkRows })),
      ...optionalNumber(values, 'parallelism', (parallelism) => ({ parallelism })),
      ...optionalNumber(values, 'max-rows-per-second', (maxRowsPerSecond) => ({ maxRowsPerSecond })),
      ...optionalNumber(values, 'rechecks', (rechecks) => ({ rechecks }), 0),
      ...optionalNumber(values, 'wait-timeout-s', (seconds) => ({ waitTimeoutMs: seconds * 1000 })),
      repair: values.repair === true,
      resume: values.resume === true,
      signal,
      ...(terminal
        ? {
            onProgress: (progress) => {
              if (Date.now() - drawnAt < 200) return;
              drawnAt = Date.now();
              process.stderr.write(`\r\x1b[2K${renderProgress(progress, started)}`);
            },
          }
        : {}),
    };
  } catch (error) {
    // A bad config or option is an error too (exit 2): exit 1 means "not equal".
    console.error(`error: ${describeError(error)}`);
    return 2;
  }
  let server: TelemetryServer | undefined;
  try {
    // The cdc_verify_* metrics (and the process's) while it runs, as the services serve theirs.
    const address = process.env.CDC_HTTP_ADDR;
    if (address) server = await startTelemetryServer(address);
    const report = await runVerify(options);
    if (terminal) process.stderr.write('\r\x1b[2K');
    console.log(json ? JSON.stringify(report, null, 2) : renderReport(report));
    return report.equal ? 0 : 1;
  } catch (error) {
    if (terminal) process.stderr.write('\r\x1b[2K');
    console.error(
      `error: ${signal.aborted ? 'verify stopped (cdc verify --resume goes on from where it was)' : describeError(error)}`,
    );
    return 2;
  } finally {
    await server?.close();
  }
}

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('verify stopped'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

function optionalString<T>(values: OptionValues, name: string, use: (value: string) => T): T | Record<string, never> {
  const value = values[name];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value === '') throw new UsageError(`cdc verify: --${name} needs a value`);
  return use(value);
}

function optionalNumber<T>(
  values: OptionValues,
  name: string,
  use: (value: number) => T,
  min = 1,
): T | Record<string, never> {
  const value = values[name];
  if (value === undefined) return {};
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(number) || number < min)
    throw new UsageError(`cdc verify: --${name} takes a number >= ${min}, got ${String(value)}`);
  return use(number);
}
