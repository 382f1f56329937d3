import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServe } from './support/serve.js';

// One `runstream serve` for every test file (each starts the embedded broker: seconds, on shared cores).
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '../..');
const serve = process.env.RUNSTREAM_URL ? undefined : await startServe(packageDir);
const url = process.env.RUNSTREAM_URL || serve!.url;
console.log(`runstream serve at ${url}`);
const files = readdirSync(here).filter((name) => name.endsWith('.test.js')).sort().map((name) => join(here, name));
const code = await new Promise<number>((done) => {
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=120000', ...files], {
    stdio: 'inherit',
    env: { ...process.env, RUNSTREAM_URL: url },
  });
  child.on('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0)));
});
await serve?.stop();
process.exit(code);
