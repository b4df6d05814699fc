// Helpers for the engine's tests (and other packages' tests): tiny flows and a scripted call.
import { flowDocumentSchema, type FlowDocument } from '../flow-schema';
import { simulateFlow, type SimulationResult, type SimulationScript } from './simulator';

export const tts = (text: string) => ({ kind: 'tts' as const, text });

/** A flow from nodes written loosely; the first node is the start unless `start` says otherwise. */
export function flowOf(nodes: Record<string, unknown>[], extra: Record<string, unknown> = {}): FlowDocument {
  return flowDocumentSchema.parse({ id: 'f', name: 'test', start: nodes[0]?.id, ...extra, nodes });
}

export const caller = { ani: '+4930111222', dnis: '+4930999000' };

export function simulate(
  flow: FlowDocument,
  digits: string[] = [],
  script: Partial<SimulationScript> = {},
): Promise<SimulationResult> {
  return simulateFlow(flow, { call: caller, digits, now: new Date('2026-03-02T10:00:00Z'), ...script });
}

/** The texts of the prompts played, in order. */
export function spoken(result: SimulationResult): string[] {
  return result.prompts.map((p) => p.prompt);
}
