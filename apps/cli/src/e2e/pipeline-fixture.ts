// The e2e tests' pipeline (servers from @cdc/testenv, services spawned from dist/cdc.cjs) lives in
// tools/pipeline-fixture so tools/chaos can drive the same one.
export * from '@cdc/pipeline-fixture';
