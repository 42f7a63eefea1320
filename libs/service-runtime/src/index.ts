export {
  createLogger,
  flushLogs,
  flushLogsInOrder,
  logFormatFromEnvironment,
  LOG_FORMATS,
  type Logger,
  type LogFormat,
  type LoggerOptions,
} from './logger';
export { prettyLogLine } from './pretty-log';
export { shutdownSignal, sleep } from './shutdown';
export { withRetry, retryDelayMs, describeError, type RetryOptions, type RetryPolicy } from './retry';
export { mallocSettingsAdvice, glibcVersion, RECOMMENDED_MALLOC_ENV } from './malloc-settings';
export { limitHeapGrowth, SERVICE_HEAP_GROWING_PERCENT } from './heap';
