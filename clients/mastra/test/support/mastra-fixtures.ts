import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';

type StreamPart = Record<string, unknown> & { type: string };

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

function textParts(deltas: string[], input: number, output: number): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 'text-1' },
    ...deltas.map((delta) => ({ type: 'text-delta', id: 'text-1', delta })),
    { type: 'text-end', id: 'text-1' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(input, output) },
  ];
}

/** A mock model that answers its n-th call with the n-th script, each part `delayMs` after the last. */
function scriptedModel(scripts: StreamPart[][], delayMs: number): MockLanguageModelV3 {
  let call = 0;
  return new MockLanguageModelV3({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: scripts[Math.min(call++, scripts.length - 1)] as never[],
        initialDelayInMs: delayMs,
        chunkDelayInMs: delayMs,
      }),
    }),
  });
}

export function textAgent(deltas = ['The capital', ' of France', ' is Paris.'], delayMs = 5): Agent {
  return new Agent({
    id: 'text-agent',
    name: 'text-agent',
    instructions: 'Answer briefly.',
    model: scriptedModel([textParts(deltas, 12, 7)], delayMs),
  });
}

/** An agent whose first step calls a tool that writes progress (`writer.write`) and data (`writer.custom`). */
export function toolAgent(options: { bigDataBytes?: number } = {}): Agent {
  const weather = createTool({
    id: 'weather',
    description: 'Weather of a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async (input: { city: string }, context: { writer?: { write: (v: unknown) => Promise<void>;
      custom: (v: unknown) => Promise<void> } }) => {
      await context.writer?.write({ type: 'custom-event', status: 'pending' });
      await context.writer?.custom({ type: 'data-tool-progress', data: { pct: 50 } });
      if (options.bigDataBytes) {
        await context.writer?.custom({ type: 'data-blob', data: { blob: 'x'.repeat(options.bigDataBytes) } });
      }
      await context.writer?.custom({ type: 'data-build-log', data: { line: 'x' }, transient: true });
      return { city: input.city, tempC: 19 };
    },
  } as never);
  const call: StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
    { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
    { type: 'tool-input-delta', id: 'call-1', delta: '"Paris"}' },
    { type: 'tool-input-end', id: 'call-1' },
    { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
    { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(20, 8) },
  ];
  return new Agent({
    id: 'tool-agent',
    name: 'tool-agent',
    instructions: 'Use the weather tool.',
    model: scriptedModel([call, textParts(['It is 19 °C', ' in Paris.'], 35, 9)], 5),
    tools: { weather },
  });
}

export function threeStepWorkflow() {
  const normalize = createStep({
    id: 'normalize',
    inputSchema: z.object({ name: z.string() }),
    outputSchema: z.object({ name: z.string() }),
    execute: async ({ inputData }: { inputData: { name: string } }) => ({ name: inputData.name.trim() }),
  } as never);
  const greet = createStep({
    id: 'greet',
    inputSchema: z.object({ name: z.string() }),
    outputSchema: z.object({ greeting: z.string() }),
    execute: async ({ inputData, writer }: { inputData: { name: string }; writer: { write: (v: unknown) =>
      Promise<void>; custom: (v: unknown) => Promise<void> } }) => {
      await writer.write({ type: 'custom-event', status: 'greeting' });
      await writer.custom({ type: 'data-wf-progress', data: { pct: 50 } });
      await writer.custom({ type: 'data-wf-log', data: { line: 'x' }, transient: true });
      return { greeting: `Hello, ${inputData.name}!` };
    },
  } as never);
  const shout = createStep({
    id: 'shout',
    inputSchema: z.object({ greeting: z.string() }),
    outputSchema: z.object({ loud: z.string() }),
    execute: async ({ inputData }: { inputData: { greeting: string } }) => ({ loud: inputData.greeting.toUpperCase() }),
  } as never);
  return createWorkflow({
    id: 'greeting-flow',
    inputSchema: z.object({ name: z.string() }),
    outputSchema: z.object({ loud: z.string() }),
  } as never).then(normalize).then(greet).then(shout).commit();
}
