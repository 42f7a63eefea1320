// The offline checkers the deploy tests run: helm and tools/k8s-validate, both built into
// .cache/bin by tools/testenv/install-deploy-tools.sh (npm test runs it through install.sh).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const DEPLOY = join(REPO, 'deploy');
export const CHART = join(DEPLOY, 'helm/cdc');
/** `helm template` renders for this API version (a `go install`ed helm defaults to v1.20). */
export const KUBE_VERSION = '1.33.0';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

function tool(name: 'helm' | 'k8s-validate'): string {
  const path = join(REPO, '.cache/bin', name);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run bash tools/testenv/install-deploy-tools.sh`);
  }
  return path;
}

function run(command: string, args: readonly string[], input?: string): RunResult {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

export const helm = (...args: string[]): RunResult => run(tool('helm'), args);

/** `k8s-validate manifests -` or `k8s-validate compose -` on the given text. */
export const k8sValidate = (mode: 'manifests' | 'compose', input: string): RunResult =>
  run(tool('k8s-validate'), [mode, '-'], input);
