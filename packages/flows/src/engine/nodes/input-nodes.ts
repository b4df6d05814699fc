import type { PromptRef } from '@hotline/contracts';
import type { FlowPrompt, NodeOf } from '../../flow-schema';
import { toText, truthy } from '../../expression';
import { type Next, type Run } from '../run';
import type { NodeHandler, ResumeInput } from './handler';

// Menus, digit collection and surveys share one shape: prompt, collect, judge the input, and on a
// bad or missing input say why and ask again, up to `retries` more times, then give up.

type Judged = { outcome: 'match' | 'no-match' | 'timeout'; digits: string };

interface Retrying {
  id: string;
  prompts: FlowPrompt[];
  invalidPrompts: FlowPrompt[];
  timeoutPrompts: FlowPrompt[];
  retries: number;
}

function received(input: ResumeInput, terminators = ''): { digits: string; silent: boolean } {
  if (input.type !== 'command-completed') return { digits: '', silent: true };
  let digits = input.digits ?? '';
  while (digits.length > 0 && terminators.includes(digits.at(-1)!)) digits = digits.slice(0, -1);
  // A failed collect (media trouble) counts as no input: the caller gets the retry prompts.
  const silent = digits.length === 0 || input.outcome === 'failed' || input.outcome === 'call-gone';
  return { digits, silent };
}

function reportInput(run: Run, node: { id: string }, judged: Judged): void {
  run.emit('ivr.input.collected', {
    callId: run.state.call.callId,
    flowId: run.state.flowId,
    nodeId: node.id,
    digits: judged.digits,
    outcome: judged.outcome,
    attempt: run.state.attempt,
  });
  run.note(`input ${JSON.stringify(judged.digits)}: ${judged.outcome} (try ${run.state.attempt})`);
}

function retryOrGiveUp(
  run: Run,
  node: Retrying,
  judged: Judged,
  ask: (lead: PromptRef[]) => Next,
  giveUpTo: string,
): Next {
  if (run.state.attempt <= node.retries) {
    run.state.attempt += 1;
    const lead = judged.outcome === 'timeout' ? node.timeoutPrompts : node.invalidPrompts;
    return ask(run.prompts(lead, judged.outcome === 'timeout' ? 'timeoutPrompts' : 'invalidPrompts'));
  }
  run.note(`no valid input after ${run.state.attempt} tries`);
  return { goto: giveUpTo };
}

function askSingleKey(run: Run, node: Retrying & { timeoutMs: number }, lead: PromptRef[]): Next {
  return run.command({
    action: 'collect',
    prompts: [...lead, ...run.prompts(node.prompts)],
    bargeIn: true,
    // One key; no terminator, so "#" and "*" can be menu options too.
    digits: {
      minDigits: 1,
      maxDigits: 1,
      terminators: '',
      firstDigitTimeoutMs: node.timeoutMs,
      interDigitTimeoutMs: node.timeoutMs,
    },
  });
}

export const menuNode: NodeHandler<NodeOf<'menu'>> = {
  enter: (run, node) => askSingleKey(run, node, []),
  resume(run, node, input) {
    const { digits, silent } = received(input);
    const key = digits.slice(0, 1);
    const target = silent ? undefined : node.options[key];
    const judged: Judged = { outcome: silent ? 'timeout' : target ? 'match' : 'no-match', digits: key };
    reportInput(run, node, judged);
    if (target) {
      if (node.variable) run.setVar(node.variable, key);
      return { goto: target };
    }
    return retryOrGiveUp(run, node, judged, (lead) => askSingleKey(run, node, lead), node.onFailure);
  },
};

function askDigits(run: Run, node: NodeOf<'collect'>, lead: PromptRef[]): Next {
  return run.command({
    action: 'collect',
    prompts: [...lead, ...run.prompts(node.prompts)],
    bargeIn: true,
    digits: {
      minDigits: node.minDigits,
      maxDigits: node.maxDigits,
      terminators: node.terminators,
      firstDigitTimeoutMs: node.firstDigitTimeoutMs,
      interDigitTimeoutMs: node.interDigitTimeoutMs,
    },
  });
}

export const collectNode: NodeHandler<NodeOf<'collect'>> = {
  enter: (run, node) => askDigits(run, node, []),
  resume(run, node, input) {
    const { digits, silent } = received(input, node.terminators);
    let outcome: Judged['outcome'] = 'match';
    if (silent) outcome = 'timeout';
    else if (digits.length < node.minDigits || digits.length > node.maxDigits) outcome = 'no-match';
    else if (node.valid !== undefined) {
      run.state.scratch.input = digits;
      const ok = run.evaluate(node.valid, 'valid');
      delete run.state.scratch.input;
      if (!truthy(ok)) outcome = 'no-match';
    }
    const judged: Judged = { outcome, digits };
    reportInput(run, node, judged);
    if (outcome === 'match') {
      run.setVar(node.variable, digits);
      return { goto: node.next };
    }
    return retryOrGiveUp(run, node, judged, (lead) => askDigits(run, node, lead), node.onInvalid);
  },
};

export const surveyNode: NodeHandler<NodeOf<'survey'>> = {
  enter: (run, node) => askSingleKey(run, node, []),
  resume(run, node, input) {
    const { digits, silent } = received(input);
    const key = digits.slice(0, 1);
    const valid = !silent && /^[1-5]$/.test(key);
    const judged: Judged = { outcome: silent ? 'timeout' : valid ? 'match' : 'no-match', digits: key };
    reportInput(run, node, judged);
    if (valid) {
      const score = Number(key);
      if (node.variable) run.setVar(node.variable, score);
      const answer = {
        callId: run.state.call.callId,
        flowId: run.state.flowId,
        nodeId: node.id,
        surveyId: node.surveyId,
        score,
      };
      run.emit('survey.answered', answer);
      run.effects.push({
        kind: 'store',
        collection: 'ivr-surveys',
        id: `${run.state.runId}.${node.id}`,
        document: { ...answer, tenantId: run.state.call.tenantId, answeredAt: run.now.toISOString() },
      });
      run.note(`survey ${node.surveyId} answered ${toText(score)}`);
      return { goto: node.next };
    }
    return retryOrGiveUp(
      run,
      node,
      judged,
      (lead) => askSingleKey(run, node, lead),
      node.onNoAnswer ?? node.next,
    );
  },
};
