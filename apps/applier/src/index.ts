export { runApplier, type ApplierOptions } from './applier';
