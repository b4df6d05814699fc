export * from './engine-types';
export { initialState, isFinal } from './call-state';
export { step, stopFlow, maxNodesPerStep } from './step';
export { drive, maxEffectRounds, type EffectPorts, type DriveInput, type DriveResult } from './driver';
export { performHttpLookup, type HttpLookupOptions } from './http-lookup';
export {
  simulateFlow,
  describePrompt,
  type SimulationScript,
  type SimulationResult,
  type SimulatedPrompt,
} from './simulator';
export { FlowRuntimeError } from './run';
export { normalizeNumber } from './nodes/decision-nodes';
