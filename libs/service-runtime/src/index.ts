export { createLogger, type Logger } from './logger';
export { shutdownSignal, sleep } from './shutdown';
export { withRetry, describeError, type RetryOptions } from './retry';
