export const RUNSTREAM_URL = process.env.RUNSTREAM_URL ?? 'http://127.0.0.1:8080';

/** What the app saw: every fullStream chunk, as JSON parsed back (taken the moment it came, as Mastra emits it). */
export async function readAll(stream: AsyncIterable<unknown> | { getReader(): unknown }): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<unknown>) {
    chunks.push(JSON.parse(JSON.stringify(chunk)));
  }
  return chunks;
}

/** The persisted chunks without the transient ones: what Runstream replays once a run has ended. */
export function persisted(chunks: Record<string, unknown>[]): Record<string, unknown>[] {
  return chunks.filter((chunk) => chunk.transient !== true);
}

export interface SseChunk {
  readonly id: string | undefined;
  readonly chunk: Record<string, unknown>;
}

/**
 * `GET /v1/runs/{runId}/stream` of an ended run, read to its end, each chunk with its event id. In `format=mastra`
 * a chunk's `id: <sequence>` comes in the block after its `data:` block; in `format=ui` in the same block.
 */
export async function readRunSse(runId: string, format: 'mastra' | 'ui' = 'mastra', base = RUNSTREAM_URL):
    Promise<SseChunk[]> {
  const response = await fetch(`${base}/v1/runs/${runId}/stream?format=${format}`);
  if (!response.ok) {
    throw new Error(`stream of ${runId}: HTTP ${response.status} ${await response.text()}`);
  }
  const events: SseChunk[] = [];
  let open: { id: string | undefined; chunk: Record<string, unknown> } | undefined;
  for (const block of (await response.text()).split('\n\n')) {
    const lines = block.split('\n').filter((line) => line !== '' && !line.startsWith(':'));
    const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
    const id = lines.find((line) => line.startsWith('id: '))?.slice(4);
    if (data === '[DONE]') {
      break;
    }
    if (data !== '') {
      open = { id: format === 'ui' ? id : undefined, chunk: JSON.parse(data) };
      events.push(open);
    } else if (id !== undefined && open && format === 'mastra') {
      open.id = id;
    }
  }
  return events;
}

/** The run's summary once the aggregator has seen its end (it aggregates asynchronously). */
export async function endedSummary(runId: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${RUNSTREAM_URL}/v1/runs/${runId}`);
    last = await response.text();
    if (response.ok) {
      const summary = JSON.parse(last);
      if (summary.status !== 'running') {
        return summary;
      }
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`run ${runId} has no ended summary after 60 s: ${last}`);
}

/** The numbers of SSE events in format=mastra (`id: <sequence>`). */
export function sequences(events: SseChunk[]): number[] {
  return events.map((event) => Number(event.id));
}
