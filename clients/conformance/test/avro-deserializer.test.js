// Confluent's own JS client (@confluentinc/schemaregistry's AvroDeserializer) decodes what Runstream wrote to a
// run topic, {prefix}.chunks and {prefix}.run-summaries, read with kafkajs, fetching every writer schema from
// serve's registry API alone (no other registry exists here), and the decoded records are what was posted.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import kafkajs from 'kafkajs';
import lz4 from 'lz4js';
import { REPO, startServe } from '../lib/serve.js';

const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;

// Runstream's publisher compresses with lz4 (Kafka's LZ4 frame format); kafkajs ships no codec for it.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  async compress(encoder) {
    return Buffer.from(lz4.compress(encoder.buffer));
  },
  async decompress(buffer) {
    return Buffer.from(lz4.decompress(buffer));
  },
});

const TOKEN = 'conformance-token';
const PREFIX = 'conformance';
const CORPUS = path.join(REPO, 'streaming-core', 'src', 'test', 'resources', 'corpus', 'mastra-1.71');
const CORPUS_RUN_ID = '00000000-0000-4000-8000-000000000001';
const SCENARIOS = ['agent-tool', 'workflow'];

let serve;
let kafka;
let deserializer;
const posted = new Map();

before(async () => {
  serve = await startServe({ token: TOKEN, prefix: PREFIX });
  kafka = new Kafka({ brokers: serve.bootstrapServers.split(','), clientId: 'conformance', logLevel: logLevel.ERROR });
  const registry = new SchemaRegistryClient({
    baseURLs: [serve.registryUrl],
    createAxiosDefaults: { headers: { Authorization: `Bearer ${TOKEN}` }, timeout: 30_000 },
  });
  deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
  for (const scenario of SCENARIOS) {
    const runId = `conformance-${scenario}`;
    const text = (await readFile(path.join(CORPUS, scenario, 'chunks.ndjson'), 'utf8')).replaceAll(CORPUS_RUN_ID, runId);
    const chunks = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
    const reply = await fetch(`${serve.httpBase}/v1/runs/${runId}/chunks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-ndjson' },
      body: text,
    });
    assert.equal(reply.status, 200, await reply.text());
    posted.set(runId, chunks);
  }
}, { timeout: 180_000 });

after(async () => {
  await serve?.stop();
});

/** Reads `topic` from its start until `done(values)`, decoding each value of a record whose key passes `keep`. */
async function readDecoded(topic, keep, done) {
  const consumer = kafka.consumer({ groupId: `conformance-${topic}-${Date.now()}`, readUncommitted: false });
  const values = [];
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString('utf8');
      if (key !== undefined && keep(key) && message.value !== null) {
        values.push({ key, value: await deserializer.deserialize(topic, message.value) });
        if (done(values)) {
          finish();
        }
      }
    },
  });
  const timeout = setTimeout(() => finish(), 90_000);
  await finished;
  clearTimeout(timeout);
  await consumer.disconnect();
  return values;
}

function assertChunksEqual(decoded, expected, what) {
  assert.equal(decoded.length, expected.length, `${what}: record count`);
  decoded.forEach((record, i) => {
    const chunk = expected[i];
    assert.equal(record.runId, chunk.runId ?? record.runId, `${what} #${i}: runId`);
    assert.equal(record.type, chunk.type, `${what} #${i}: type`);
    if (typeof chunk.payload?.text === 'string' && chunk.payload.text !== '') {
      assert.ok(JSON.stringify(record.body).includes(JSON.stringify(chunk.payload.text).slice(1, -1)),
        `${what} #${i}: the posted text is in the decoded body`);
    }
  });
}

test('a run topic decodes to every chunk posted, in order', { timeout: 120_000 }, async () => {
  for (const [runId, chunks] of posted) {
    const records = await readDecoded(`${PREFIX}.run.${runId}`, () => true, (values) => values.length >= chunks.length);
    const decoded = records.map((r) => r.value);
    assertChunksEqual(decoded, chunks, `${PREFIX}.run.${runId}`);
    assert.deepEqual(decoded.map((r) => Number(r.sequence)), chunks.map((_, i) => i));
    assert.deepEqual(decoded.map((r) => r.transient), chunks.map((c) => c.transient === true));
  }
});

test(`${PREFIX}.chunks decodes to the persisted chunks of each run`, { timeout: 120_000 }, async () => {
  for (const [runId, chunks] of posted) {
    const persisted = chunks.filter((chunk) => chunk.transient !== true);
    assert.ok(persisted.length < chunks.length, 'the scenario has transient chunks to leave out');
    const records = await readDecoded(`${PREFIX}.chunks`, (key) => key.startsWith(`${runId}/`),
      (values) => values.length >= persisted.length);
    records.sort((a, b) => Number(a.value.sequence) - Number(b.value.sequence));
    assertChunksEqual(records.map((r) => r.value), persisted, `${PREFIX}.chunks ${runId}`);
  }
});

test(`${PREFIX}.run-summaries decodes to each run's final summary`, { timeout: 120_000 }, async () => {
  for (const [runId, chunks] of posted) {
    const records = await readDecoded(`${PREFIX}.run-summaries`, (key) => key === runId,
      (values) => Number(values.at(-1).value.lastSequence) === chunks.length - 1);
    const summary = records.at(-1).value;
    assert.equal(summary.runId, runId);
    assert.equal(Number(summary.lastSequence), chunks.length - 1);
    assert.equal(Number(summary.transientCount), chunks.filter((chunk) => chunk.transient === true).length);
    assert.equal(summary.status, 'success');
  }
});
