import { AGENT_PASSWORD, REALM, type Harness } from './edge-harness';
import { KAMAILIO } from './media-plane';
import { sipp, type SippRun } from './sipp';

const kamailio = `${KAMAILIO.host}:${KAMAILIO.port}`;

/**
 * Provisions an agent and registers its SIPp "desk phone" (digest auth through Kamailio against
 * the provisioned HA1), then starts the phone's behaviour scenario on the same port.
 */
export async function registeredAgent(
  h: Harness,
  options: {
    agentId: string;
    username: string;
    port: number;
    mediaPort: number;
    scenario: string;
    timeoutMs?: number;
    extension?: string;
  },
): Promise<SippRun> {
  await h.provisionAgent(options.agentId, options.username, options.extension);
  const register = await sipp({
    scenario: 'agent_register.xml',
    remote: kamailio,
    localPort: options.port,
    mediaPort: options.mediaPort,
    service: options.username,
    extra: ['-key', 'realm', REALM, '-au', options.username, '-ap', AGENT_PASSWORD],
    timeoutMs: 8000,
  }).done;
  if (register.code !== 0)
    throw new Error(`agent ${options.username} did not register:\n${register.stdout.slice(-1500)}`);
  return sipp({
    scenario: options.scenario,
    localPort: options.port,
    mediaPort: options.mediaPort,
    extra: ['-rtp_echo'],
    timeoutMs: options.timeoutMs ?? 20_000,
  });
}

export { kamailio };
