import type { Timers } from './ports';

export interface DigitRules {
  minDigits: number;
  maxDigits: number;
  /** Keys that end input early ("#"); not part of the result. */
  terminators: string;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
}

export type CollectResult = { outcome: 'done' | 'timeout'; digits: string };

/**
 * Collects RFC 4733 digits for one `collect` command. Digits may arrive while prompts still play
 * (barge-in) and before `startTimers` is called; the first-digit timer only runs once the prompts
 * are over. Finishes exactly once.
 */
export class DigitCollector {
  private digits = '';
  private timer: unknown;
  private finished = false;
  private timing = false;

  constructor(
    private readonly rules: DigitRules,
    private readonly timers: Timers,
    private readonly onFinish: (result: CollectResult) => void,
  ) {}

  get collected(): string {
    return this.digits;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Prompts are over (or were skipped): the caller now has firstDigitTimeoutMs to start typing. */
  startTimers(): void {
    if (this.finished || this.timing) return;
    this.timing = true;
    this.arm(this.digits.length === 0 ? this.rules.firstDigitTimeoutMs : this.rules.interDigitTimeoutMs);
  }

  digit(key: string): void {
    if (this.finished) return;
    if (this.rules.terminators.includes(key)) {
      this.finish(this.digits.length >= this.rules.minDigits ? 'done' : 'timeout');
      return;
    }
    this.digits += key;
    if (this.digits.length >= this.rules.maxDigits) {
      this.finish('done');
      return;
    }
    // Typing ahead of the prompt starts the clock too: the caller is clearly there.
    this.timing = true;
    this.arm(this.rules.interDigitTimeoutMs);
  }

  /** The command was replaced or the call went away: no result is reported. */
  cancel(): void {
    this.finished = true;
    this.clear();
  }

  private arm(ms: number): void {
    this.clear();
    this.timer = this.timers.setTimeout(() => {
      this.finish(this.digits.length >= this.rules.minDigits && this.digits.length > 0 ? 'done' : 'timeout');
    }, ms);
  }

  private clear(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private finish(outcome: 'done' | 'timeout'): void {
    if (this.finished) return;
    this.finished = true;
    this.clear();
    this.onFinish({ outcome, digits: this.digits });
  }
}
