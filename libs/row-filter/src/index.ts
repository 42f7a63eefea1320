export {
  columnsOf,
  parseFilter,
  FilterSyntaxError,
  type CompareOperator,
  type FilterExpression,
  type Literal,
} from './expression';
export { renderMysql, renderPostgres } from './render';
export { compileFilter, type CompileOptions, type FilterResult, type RowPredicate } from './evaluate';
export { FilterTypeError } from './comparison';
export { filterOp } from './filter-op';
export { compileDerivedValue, type DerivedColumnType, type DerivedValue } from './derived-value';
