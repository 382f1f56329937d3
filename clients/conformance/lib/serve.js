// Starts the real `runstream serve` (kafka-bridge/target/runstream.jar) on free ports with a temporary data dir,
// and reads where it listens from the connection.properties it writes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const JAR = process.env.RUNSTREAM_JAR ?? path.join(REPO, 'kafka-bridge', 'target', 'runstream.jar');

function java() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function parseProperties(text) {
  const props = {};
  for (const line of text.split('\n')) {
    const match = /^([^#!][^=:]*)[=:](.*)$/.exec(line.trim());
    if (match) {
      props[match[1].trim()] = match[2].trim().replace(/\\:/g, ':').replace(/\\=/g, '=');
    }
  }
  return props;
}

/** A running serve: its bootstrap servers, registry URL and HTTP base, and stop(). */
export async function startServe({ token, prefix }) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'runstream-conformance-'));
  const args = ['-jar', JAR, 'serve', '--data-dir', dataDir, '--port', '0', '--kafka-port', '0',
    '--host', '127.0.0.1', '--prefix', prefix, '--config', `http.auth.token=${token}`,
    '--config', 'run.topic.delete.after.ms=-1'];
  const child = spawn(java(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data) => { output += data; });
  child.stderr.on('data', (data) => { output += data; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let exitCode = null;
  exited.then((code) => { exitCode = code; });

  const connectionFile = path.join(dataDir, 'connection.properties');
  const deadline = Date.now() + 120_000;
  let props = null;
  while (props === null) {
    if (exitCode !== null) {
      throw new Error(`serve exited with ${exitCode} before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve wrote no ${connectionFile} within 120 s:\n${output}`);
    }
    try {
      props = parseProperties(await readFile(connectionFile, 'utf8'));
    } catch {
      await sleep(250);
    }
  }
  const registryUrl = props['schema.registry.url'];
  const httpBase = registryUrl.replace(/\/registry$/, '');
  return {
    bootstrapServers: props['bootstrap.servers'],
    registryUrl,
    httpBase,
    output: () => output,
    async stop() {
      if (exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
