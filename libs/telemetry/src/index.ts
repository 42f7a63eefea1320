export {
  initTracing,
  shutdownTracing,
  flushTracing,
  tracingEnabled,
  tracingRequested,
  traceStep,
  parseTraceparent,
  formatTraceparent,
  type TracingOptions,
} from './tracing';
export {
  transactionTracer,
  startBatchTrace,
  traceComputation,
  setTraceHeaders,
  readTraceHeaders,
  HEADER_TRACEPARENT,
  HEADER_TRACE_LINKS,
  MAX_LINKED_TRACES,
  type TransactionTrace,
  type BatchTrace,
  type BatchTraceAttributes,
  type HeaderReader,
  type HeaderWriter,
} from './change-trace';
export { metrics, registry, countOps, type CountedOp } from './metrics';
export { health, readerStreamingComponent, ServiceHealth } from './health';
export { startTelemetryServer, parseHttpAddress, HttpAddressError, type TelemetryServer } from './http-server';
