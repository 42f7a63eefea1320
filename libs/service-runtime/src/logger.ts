import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stderr (stdout stays free for command output such as `cdc status`).
 * Level from CDC_LOG_LEVEL (default info).
 */
export function createLogger(service: string, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level: process.env.CDC_LOG_LEVEL ?? 'info',
      base: { service, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
