export { createMysqlSink, MysqlApplyError, type MysqlApplyResult, type MysqlSink, type MysqlSinkOptions } from './sink';
export type { UnrepresentablePolicy } from './values';
export { mysqlColumnType } from './type-mapping';
export { mysqlPoolOptions } from './pool';
export { ipHostToCheck, ipIdentityCheck, mysqlSslOptions, MysqlTlsFileError, type MysqlTlsOptions } from './tls';
