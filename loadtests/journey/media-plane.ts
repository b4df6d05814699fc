// The journey's own Kamailio and rtpengine: the project's infra/local scripts with their own ports
// and state directory (.local/journey), so a run neither disturbs nor is disturbed by the shared
// test instances or loadtests/edge-bench (whose ports are 56xx). Kamailio also gets the "bare"
// route (straight to a SIPp UAS, media anchored by Kamailio itself) for the baseline.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPids } from './proc-stat';
import { mediaPlaneEnv } from '../support/media-plane-env';

export const ports = {
  kamailio: 5760,
  kamailioWs: 8760,
  edgeSip: 5780,
  edgeDtmf: 5770,
  edgeDirectory: 5781,
  /** SIPp callers send from here: Kamailio trusts it as a trunk. */
  trunk: 5750,
  bareUas: 5790,
  ngUdp: 22820,
  ngHttp: 22822,
  ngCli: 22823,
  sutHttp: 8780,
  probe: 8790,
  // SIPp's own media ports: below rtpengine's range (30000-39999) and the kernel's ephemeral
  // ports (32768-60999 here), where any socket bound to port 0 may sit (a run failed once when
  // the bare UAS found its 47002 taken).
  callerMedia: 26000,
  bareUasMedia: 27000,
} as const;

export const edgeToken = 'journey-edge-token-0001';

export interface MediaPlane {
  env: NodeJS.ProcessEnv;
  /** Settings for the sip-edge inside the system under test. */
  edgeEnv: Record<string, string>;
  kamailioPids(): number[];
  rtpenginePid(): number;
  stop(): void;
}

export function mediaPlane(root: string, baseEnv: NodeJS.ProcessEnv): MediaPlane {
  const local = join(root, '.local/journey');
  const env: NodeJS.ProcessEnv = {
    ...mediaPlaneEnv({
      base: baseEnv,
      localDir: local,
      ports,
      trunkName: 'journey',
      rtpPorts: [30000, 39999],
    }),
    KAMAILIO_EDGE_TOKEN: edgeToken,
    // Every simulated agent registers and hangs up from 127.0.0.1: lift the per-source flood
    // and rate limits meant for the internet, or the agents' BYEs would be dropped at 100 calls/s.
    KAMAILIO_PIKE_DENSITY: '1000000',
    KAMAILIO_SOURCE_RATE: '1000000',
  };
  const script = (name: string, command: string) =>
    execFileSync('bash', [join(root, 'infra/local', name), command], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  // A previous run that was killed hard may have left them running with other settings.
  script('rtpengine.sh', 'stop');
  script('kamailio.sh', 'stop');
  script('rtpengine.sh', 'start');
  script('kamailio.sh', 'start');
  const kamailioMain = Number(readFileSync(join(local, 'kamailio/kamailio.pid'), 'utf8'));
  const rtpengine = Number(readFileSync(join(local, 'rtpengine/rtpengine.pid'), 'utf8'));
  return {
    env,
    edgeEnv: {
      HOTLINE_SIP_PORT: String(ports.edgeSip),
      HOTLINE_SIP_PROXY: `127.0.0.1:${ports.kamailio}`,
      HOTLINE_SIP_RTPENGINE: `127.0.0.1:${ports.ngUdp}`,
      HOTLINE_SIP_DTMF_PORT: String(ports.edgeDtmf),
      HOTLINE_SIP_DIRECTORY_PORT: String(ports.edgeDirectory),
      HOTLINE_SIP_KAMAILIO_RPC: `http://127.0.0.1:${ports.kamailioWs}/RPC`,
      HOTLINE_SIP_EDGE_TOKEN: edgeToken,
      HOTLINE_SIP_MAX_CALLS: '5000',
    },
    kamailioPids: () => [kamailioMain, ...childPids(kamailioMain)],
    rtpenginePid: () => rtpengine,
    stop() {
      try {
        script('kamailio.sh', 'stop');
      } finally {
        script('rtpengine.sh', 'stop');
      }
    },
  };
}
