export { runPostgresReader, type PostgresReaderOptions } from './reader';
export { requestResnapshot } from './slot-start';
