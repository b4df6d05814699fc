// The ring an agent hears for an incoming call: the North American ring cadence (440 + 480 Hz,
// 2 s on, 4 s off) made with WebAudio, so no sound file ships. The tab title says it too, for a
// desk in a background tab.

const ON_S = 2;
const PERIOD_S = 6;

export class Ringer {
  private ctx: AudioContext | null = null;
  private gain: GainNode | null = null;
  private oscillators: OscillatorNode[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private title: string | null = null;

  start(): void {
    if (this.timer !== undefined) return;
    this.title = document.title;
    document.title = `Incoming call – ${this.title}`;
    try {
      const ctx = new AudioContext();
      const gain = ctx.createGain();
      gain.gain.value = 0;
      gain.connect(ctx.destination);
      this.oscillators = [440, 480].map((hz) => {
        const o = ctx.createOscillator();
        o.frequency.value = hz;
        o.connect(gain);
        o.start();
        return o;
      });
      this.ctx = ctx;
      this.gain = gain;
    } catch {
      // No audio output (or not allowed yet): the visual alert still shows.
    }
    const burst = () => {
      if (!this.ctx || !this.gain) return;
      const t = this.ctx.currentTime;
      this.gain.gain.setValueAtTime(0.08, t);
      this.gain.gain.setValueAtTime(0, t + ON_S);
    };
    burst();
    this.timer = setInterval(burst, PERIOD_S * 1000);
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const o of this.oscillators) o.stop();
    this.oscillators = [];
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.gain = null;
    if (this.title !== null) document.title = this.title;
    this.title = null;
  }
}
