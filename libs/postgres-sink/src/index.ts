export {
  createPostgresSink,
  PostgresApplyError,
  type PostgresApplyResult,
  type PostgresSink,
  type PostgresSinkOptions,
} from './sink';
