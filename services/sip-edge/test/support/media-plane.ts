import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NgClient } from '../../src/rtpengine/ng-client';

const run = promisify(execFile);

// The media plane the integration tests run against: Kamailio and rtpengine on loopback, started
// by scripts/test.sh (or by hand: bash infra/local/rtpengine.sh start && bash infra/local/kamailio.sh start).
export const KAMAILIO = { host: '127.0.0.1', port: Number(process.env.KAMAILIO_SIP_PORT ?? 5460) };
export const RTPENGINE = { host: '127.0.0.1', port: Number(process.env.RTPENGINE_NG_PORT ?? 22620) };
/** Trunk sources Kamailio trusts (KAMAILIO_TRUNKS default): SIPp callers and the test phones. */
export const TRUNK_SIPP_PORT = 5490;
export const TRUNK_PHONE_PORT = 5491;
/** Where Kamailio sends calls to outside numbers (KAMAILIO_GATEWAYS default): the PSTN stand-in. */
export const GATEWAY_PORT = 5489;

const root = new URL('../../../../', import.meta.url).pathname;

/** Fails (never skips) with what to run when Kamailio or rtpengine does not answer. */
export async function assertMediaPlane(): Promise<void> {
  const problems: string[] = [];
  try {
    await run('node', [
      `${root}infra/local/kamailio/sip-ping.mjs`,
      KAMAILIO.host,
      String(KAMAILIO.port),
      '1500',
    ]);
  } catch {
    problems.push(
      `Kamailio does not answer SIP OPTIONS on ${KAMAILIO.host}:${KAMAILIO.port} (bash infra/local/kamailio.sh start)`,
    );
  }
  const ng = await NgClient.open();
  try {
    await ng.command(RTPENGINE, 'ping');
  } catch {
    problems.push(
      `rtpengine does not answer an ng ping on ${RTPENGINE.host}:${RTPENGINE.port} (bash infra/local/rtpengine.sh start)`,
    );
  } finally {
    await ng.close();
  }
  if (problems.length > 0) throw new Error(`media plane not running:\n  ${problems.join('\n  ')}`);
}

export { root };
