export {
  columnsOf,
  parseFilter,
  FilterSyntaxError,
  type CompareOperator,
  type FilterExpression,
  type Literal,
} from './expression';
export { renderMysql, renderPostgres } from './render';
export { compileFilter, FilterTypeError, type CompileOptions, type FilterResult, type RowPredicate } from './evaluate';
export { filterOp } from './filter-op';
export { compileDerivedValue, type DerivedColumnType, type DerivedValue } from './derived-value';
