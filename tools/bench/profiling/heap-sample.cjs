// Allocation profile of a service, loaded with `--require` (see docs/benchmarks.md, "Allocation
// profile"): V8's sampling heap profiler, keeping objects the GC already collected (what a
// CPU profile shows as garbage collection comes from them), for CDC_HEAP_SECONDS (default 5)
// after CDC_HEAP_DELAY seconds (default 0); then writes <dir>/<command>-<pid>.heapprofile
// (CDC_HEAP_DIR, default /tmp/heapprof), which Chrome DevTools opens.
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.CDC_HEAP_DIR || '/tmp/heapprof';
const seconds = Number(process.env.CDC_HEAP_SECONDS || 5);
const delay = Number(process.env.CDC_HEAP_DELAY || 0);
const session = new inspector.Session();
session.connect();
setTimeout(() => {
  const flags = { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
  session.post('HeapProfiler.startSampling', flags, (error) => {
    if (error) return console.error('heap sampling:', error.message);
    setTimeout(() => {
      session.post('HeapProfiler.stopSampling', (stopError, result) => {
        if (stopError) return console.error('heap sampling:', stopError.message);
        fs.mkdirSync(dir, { recursive: true });
        const name = `${path.basename(process.argv[2] || 'node')}-${process.pid}.heapprofile`;
        fs.writeFileSync(path.join(dir, name), JSON.stringify(result.profile));
      });
    }, seconds * 1000).unref();
  });
}, delay * 1000).unref();
