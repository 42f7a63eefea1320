export { runPostgresReader, type PostgresReaderOptions } from './reader';
