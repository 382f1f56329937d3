import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Settings the tests rely on: a chunk over this many bytes is refused by ingest. */
export const MAX_CHUNK_BYTES = 65_536;
/** How long Runstream gives a canceled run's writer before it ends the run itself. */
export const CANCEL_GRACE_MS = 2_000;

export interface RunningServe {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `runstream serve` (embedded Kafka, ephemeral ports, its own data dir) and waits for its HTTP port. */
export async function startServe(packageDir: string, extraArgs: string[] = []): Promise<RunningServe> {
  const jar = process.env.RUNSTREAM_JAR ?? resolve(packageDir, '../../kafka-bridge/target/runstream.jar');
  if (!existsSync(jar)) {
    throw new Error(`${jar} is missing: build it with 'mvn -pl kafka-bridge -am package -DskipTests'`);
  }
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const dataDir = mkdtempSync(join(tmpdir(), 'runstream-mastra-test-'));
  const child = spawn(java, ['-jar', jar, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0',
    '--kafka-port', '0', '--config', `http.ingest.max.chunk.bytes=${MAX_CHUNK_BYTES}`,
    '--config', 'http.sse.heartbeat.interval.ms=1000', '--config', `run.cancel.grace.ms=${CANCEL_GRACE_MS}`, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 180 s:\n${log.join('')}`)), 180_000);
    const onData = (data: Buffer) => {
      log.push(data.toString());
      const match = /HTTP: (http:\/\/[^/\s]+)\/health/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (data: Buffer) => log.push(data.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready:\n${log.join('')}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { url, stop: () => stop(child, dataDir) };
}

async function stop(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
