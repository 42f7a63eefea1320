import type { PipelineConfig } from './types';

/** The file each parsed config came from, so lookups can name it in their errors. */
const labels = new WeakMap<PipelineConfig, string>();

export function rememberLabel(config: PipelineConfig, file: string): void {
  labels.set(config, file);
}

export function labelOf(config: PipelineConfig): string | undefined {
  return labels.get(config);
}
