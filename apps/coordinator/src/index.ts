export { runCoordinator, updateCommitted, type CoordinatorOptions } from './coordinator';
