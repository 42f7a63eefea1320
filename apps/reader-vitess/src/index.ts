export { runVitessReader, type VitessReaderOptions } from './reader';
