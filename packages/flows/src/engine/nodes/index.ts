import { businessHoursNode, callerListNode, conditionNode, httpLookupNode, setNode } from './decision-nodes';
import { callbackNode, enqueueNode, hangupNode, transferExternalNode, transferFlowNode } from './exit-nodes';
import type { HandlerTable } from './handler';
import { collectNode, menuNode, surveyNode } from './input-nodes';
import { playNode, voicemailNode } from './media-nodes';

export const handlers: HandlerTable = {
  play: playNode,
  menu: menuNode,
  collect: collectNode,
  set: setNode,
  condition: conditionNode,
  'business-hours': businessHoursNode,
  'caller-list': callerListNode,
  'http-lookup': httpLookupNode,
  enqueue: enqueueNode,
  'transfer-flow': transferFlowNode,
  'transfer-external': transferExternalNode,
  voicemail: voicemailNode,
  callback: callbackNode,
  survey: surveyNode,
  hangup: hangupNode,
};

export type { NodeHandler, ResumeInput } from './handler';
