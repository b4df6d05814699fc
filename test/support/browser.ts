import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (infra/local/chromium.sh install): Playwright never downloads a browser here. */
export const CHROMIUM = '/usr/bin/chromium';

/** What the fake microphone plays: apart from the caller's test tone, so each side is told apart. */
export const MICROPHONE_TONE_HZ = 1300;

export interface BrowserPage {
  name: string;
  context: BrowserContext;
  page: Page;
}

export interface NewPageOptions {
  /** A label for the console log lines ("agent", "supervisor"). */
  name: string;
  /** Grant the microphone (the default) or leave it ungranted, which denies getUserMedia. */
  microphone?: boolean;
  viewport?: { width: number; height: number };
}

/** What a page has received on its live remote audio tracks since the last `resetAudio`. */
export interface AudioHeard {
  /** Live remote audio tracks being analysed. */
  tracks: number;
  /** Analyser frames averaged (one every 50 ms). */
  frames: number;
  /** Mean power near each asked frequency (linear, relative units). */
  tones: Record<string, number>;
  /** Mean power over the whole spectrum, same units. */
  total: number;
  /** WebRTC getStats() inbound-rtp audio, summed over open peer connections. */
  inbound: { packetsReceived: number; totalAudioEnergy: number; audioLevel: number };
  /** Each open peer connection's transport: connection, ICE and DTLS states, packets (for messages). */
  transports: string[];
}

/**
 * Runs in every page before its own scripts: wraps RTCPeerConnection so that each remote audio
 * track is fed to a WebAudio analyser, whatever the app does with it; and EventSource, so a test
 * can drop the live channel. Plain JS (the repository
 * compiles without the DOM library), kept idempotent.
 */
const PAGE_PROBE = `(() => {
  if (window.__hotlineAudio) return;
  const Native = window.RTCPeerConnection;
  const pcs = [];
  const entries = [];
  let ctx = null;
  function analyse(track) {
    ctx = ctx || new AudioContext();
    ctx.resume().catch(() => {});
    const stream = new MediaStream([track]);
    // Chromium only feeds a remote WebRTC track into WebAudio while a media element plays it.
    const sink = new Audio();
    sink.muted = true;
    sink.srcObject = stream;
    sink.play().catch(() => {});
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 4096;
    analyser.smoothingTimeConstant = 0;
    ctx.createMediaStreamSource(stream).connect(analyser);
    entries.push({ track, sink, analyser, sum: new Float64Array(analyser.frequencyBinCount), frames: 0 });
  }
  class ProbedPeerConnection extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
      this.addEventListener('track', (e) => { if (e.track.kind === 'audio') analyse(e.track); });
    }
  }
  window.RTCPeerConnection = ProbedPeerConnection;
  // Server-Sent Events channels, so a test can cut one as a network drop would.
  const NativeEventSource = window.EventSource;
  const sources = [];
  class ProbedEventSource extends NativeEventSource {
    constructor(...args) {
      super(...args);
      sources.push(this);
    }
  }
  window.EventSource = ProbedEventSource;
  window.__hotlineLive = {
    opened: () => sources.length,
    drop() {
      let n = 0;
      for (const s of sources) {
        if (s.readyState === 2) continue;
        s.close();
        s.dispatchEvent(new Event('error'));
        n++;
      }
      return n;
    },
  };
  setInterval(() => {
    for (const e of entries) {
      if (e.track.readyState !== 'live') continue;
      const db = new Float32Array(e.analyser.frequencyBinCount);
      e.analyser.getFloatFrequencyData(db);
      for (let i = 0; i < db.length; i++) e.sum[i] += Number.isFinite(db[i]) ? Math.pow(10, db[i] / 10) : 0;
      e.frames++;
    }
  }, 50);
  window.__hotlineAudio = {
    reset() { for (const e of entries) { e.sum.fill(0); e.frames = 0; } },
    async measure(frequencies) {
      const live = entries.filter((e) => e.track.readyState === 'live' && e.frames > 0);
      const tones = {};
      let total = 0;
      let frames = 0;
      for (const f of frequencies) tones[f] = 0;
      for (const e of live) {
        const hzPerBin = ctx.sampleRate / e.analyser.fftSize;
        for (const f of frequencies) {
          const bin = Math.round(f / hzPerBin);
          let p = 0;
          for (let i = Math.max(0, bin - 2); i <= Math.min(e.sum.length - 1, bin + 2); i++) p += e.sum[i];
          tones[f] += p / e.frames;
        }
        total += e.sum.reduce((a, b) => a + b, 0) / e.frames;
        frames += e.frames;
      }
      const inbound = { packetsReceived: 0, totalAudioEnergy: 0, audioLevel: 0 };
      const transports = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'transport') transports.push(pc.connectionState + ' ice=' + s.iceState + ' dtls=' + s.dtlsState + ' sent=' + s.packetsSent + ' recv=' + s.packetsReceived);
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          inbound.packetsReceived += s.packetsReceived || 0;
          inbound.totalAudioEnergy += s.totalAudioEnergy || 0;
          inbound.audioLevel = Math.max(inbound.audioLevel, s.audioLevel || 0);
        });
      }
      return { tracks: live.length, frames, tones, total, inbound, transports };
    },
  };
})();`;

/**
 * Headless Debian Chromium for end-to-end tests: fake audio device playing a steady tone, the
 * self-signed WSS certificate of infra/local/kamailio.sh accepted, an audio probe in every page and
 * every page's console kept for failure messages.
 */
export class TestBrowser {
  readonly console: string[] = [];
  private readonly pages: BrowserPage[] = [];

  private constructor(
    readonly browser: Browser,
    private readonly dir: string,
  ) {}

  static async launch(): Promise<TestBrowser> {
    try {
      accessSync(CHROMIUM, constants.X_OK);
    } catch {
      throw new Error(`${CHROMIUM} is missing: run bash infra/local/chromium.sh install`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'hotline-browser-'));
    const microphone = join(dir, `tone-${MICROPHONE_TONE_HZ}.wav`);
    writeFileSync(microphone, sineWav(MICROPHONE_TONE_HZ, 48_000, 10));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // The fake capture device plays the WAV (looped) as the microphone. Microphone permission
        // is granted per context (NewPageOptions.microphone) rather than by
        // --use-fake-ui-for-media-stream, which would grant it to every page.
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${microphone}`,
        // Kamailio's WSS certificate is self-signed (infra/local/kamailio.sh).
        '--ignore-certificate-errors',
        '--autoplay-policy=no-user-gesture-required',
        // A machine with only a loopback interface otherwise gathers no ICE candidate at all.
        '--allow-loopback-in-peer-connection',
        // Extra switches for diagnosis, e.g. HOTLINE_CHROMIUM_ARGS='--enable-logging=stderr --v=1'.
        ...(process.env.HOTLINE_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean),
      ],
    });
    return new TestBrowser(browser, dir);
  }

  /** A fresh context (own cookies, storage, permissions) with one page in it. */
  async newPage(options: NewPageOptions): Promise<BrowserPage> {
    const context = await this.browser.newContext({
      ignoreHTTPSErrors: true,
      permissions: options.microphone === false ? [] : ['microphone'],
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
    // Fail a step in seconds, not Playwright's 30 s: the test's own budget is ~90 s in all.
    context.setDefaultTimeout(10_000);
    await context.addInitScript({ content: PAGE_PROBE });
    // HOTLINE_BROWSER_SIP_DEBUG=1: JsSIP's own trace (the `debug` package) in the console lines.
    if (process.env.HOTLINE_BROWSER_SIP_DEBUG)
      await context.addInitScript({ content: "localStorage.setItem('debug', 'JsSIP:*')" });
    const page = await context.newPage();
    const line = (text: string) =>
      this.console.push(`${new Date().toISOString().slice(11, 23)} [${options.name}] ${text}`);
    page.on('console', (m) => line(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => line(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) =>
      line(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`),
    );
    const entry = { name: options.name, context, page };
    this.pages.push(entry);
    return entry;
  }

  /** The last console lines of every page, for an assertion's message. */
  logs(last = 400): string {
    return `browser console (last ${last}):\n${this.console.slice(-last).join('\n')}`;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Cuts the page's open Server-Sent Events channels the way a network drop does: the connection
 * closes (the server sees it go) and the page gets the EventSource `error` event. Returns how many.
 */
export async function dropLiveChannels(page: Page): Promise<number> {
  return (await page.evaluate('window.__hotlineLive.drop()')) as number;
}

/** How many EventSource connections the page has opened so far. */
export async function liveChannelsOpened(page: Page): Promise<number> {
  return (await page.evaluate('window.__hotlineLive.opened()')) as number;
}

/** Forgets what the page has heard so far: the next `audioHeard` covers only what follows. */
export async function resetAudio(page: Page): Promise<void> {
  await page.evaluate('window.__hotlineAudio.reset()');
}

/** What the page heard since the last reset: power near `frequencies`, and WebRTC inbound stats. */
export async function audioHeard(page: Page, frequencies: number[]): Promise<AudioHeard> {
  return (await page.evaluate(`window.__hotlineAudio.measure(${JSON.stringify(frequencies)})`)) as AudioHeard;
}

/** A mono 16-bit PCM WAV of a sine at half scale. */
export function sineWav(frequency: number, sampleRate: number, seconds: number): Buffer {
  const samples = sampleRate * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    wav.writeInt16LE(Math.round(16_000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), 44 + i * 2);
  return wav;
}
