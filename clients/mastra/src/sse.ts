/** One server-sent event: its `data` (lines joined by `\n`), its `event` name and the stream's last event id. */
export interface SseEvent {
  readonly data: string;
  readonly event: string;
  readonly id: string | undefined;
}

/**
 * Parses a `text/event-stream` body as the WHATWG spec does: `data:` lines of a block are joined, a block with no
 * data only moves the last event id (Runstream's `format=mastra` sends `id:` in a block of its own), comments
 * (`:`) are skipped.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let end: number;
      while ((end = lineEnd(buffer)) >= 0) {
        let line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1);
        if (line === '') {
          if (data.length > 0) {
            yield { data: data.join('\n'), event: event || 'message', id };
          }
          data = [];
          event = '';
          continue;
        }
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        line = colon < 0 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
        if (name === 'data') {
          data.push(line);
        } else if (name === 'event') {
          event = line;
        } else if (name === 'id' && !line.includes('\0')) {
          id = line;
        }
      }
      if (done) {
        return;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function lineEnd(buffer: string): number {
  const lf = buffer.indexOf('\n');
  const cr = buffer.indexOf('\r');
  if (cr >= 0 && (lf < 0 || cr < lf)) {
    // A lone '\r' at the end may be the first half of '\r\n': wait for more.
    return cr === buffer.length - 1 ? -1 : cr;
  }
  return lf;
}
