import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { glibcVersion, mallocSettingsAdvice, RECOMMENDED_MALLOC_ENV } from './malloc-settings';

test('on glibc without the settings, one line names each missing one with its value', () => {
  assert.equal(
    mallocSettingsAdvice({}, () => '2.36'),
    'glibc 2.36 malloc at its defaults: start the service with MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=262144 ' +
      'in its environment for a lower peak memory (README, "Memory")',
  );
  assert.match(
    mallocSettingsAdvice({ MALLOC_ARENA_MAX: '2' }, () => '2.36') ?? '',
    /with MALLOC_MMAP_THRESHOLD_=262144 in/,
  );
});

test('nothing to say with the settings (any value: the operator chose), or on another C library', () => {
  assert.equal(
    mallocSettingsAdvice({ ...RECOMMENDED_MALLOC_ENV }, () => '2.36'),
    undefined,
  );
  assert.equal(
    mallocSettingsAdvice({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '1048576' }, () => '2.36'),
    undefined,
  );
  assert.equal(
    mallocSettingsAdvice({}, () => undefined),
    undefined,
  );
});

test("glibcVersion reads this process's C library (the Debian test machine runs glibc)", () => {
  const ldd = spawnSync('ldd', ['--version'], { encoding: 'utf8' });
  const expected = /GLIBC|GNU libc/i.test(`${ldd.stdout}${ldd.stderr}`) ? /^\d+\.\d+/ : undefined;
  if (expected) assert.match(glibcVersion() ?? '', expected);
  else assert.equal(glibcVersion(), undefined);
});

test("the container image's ENV carries the same settings (Dockerfile)", () => {
  const dockerfile = readFileSync(join(__dirname, '..', '..', '..', 'Dockerfile'), 'utf8');
  for (const [name, value] of Object.entries(RECOMMENDED_MALLOC_ENV))
    assert.match(
      dockerfile,
      new RegExp(`^\\s*(ENV\\s+)?${name}=${value}\\b`, 'm'),
      `${name}=${value} in the Dockerfile`,
    );
});
