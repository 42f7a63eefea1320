// @cdc/pipeline-fixture: the e2e pipeline — real servers from @cdc/testenv, the services spawned
// from dist/cdc.cjs. One core (pipeline.ts: config file, services, tear-down) under every
// source and destination; each side is a small module.
export { BUNDLE, waitFor, waitForLog, type ServiceKind, type ServiceProcess, type StartOptions } from './services';
export type { Pipeline } from './pipeline';
export { COMPARE_OPTIONS, type Query } from './postgres-connection';
export {
  startPipelineFixture,
  type FixtureOptions,
  type MysqlFixtureOptions,
  type MysqlPipelineFixture,
  type PipelineFixture,
} from './fixture';
export { tableRows, waitForEqualRows, type ComparedColumn } from './mysql-compare';
export { tableDigest, waitForEqualTables } from './postgres-compare';
export {
  TRANSFER_ACCOUNTS,
  TRANSFER_BALANCE,
  TRANSFER_TABLES,
  createTransferTables,
  ledgerWrittenTwice,
  lsnToBigint,
  startTransferWorkload,
  type TransferOutcome,
  type TransferWorkload,
} from './transfer-workload';
export { startVitessPipeline, type VitessPipeline, type VitessPipelineOptions } from './vitess-pipeline';
export { compareMysqlTable, compareTable, createTable, waitForEqual } from './vitess-compare';
