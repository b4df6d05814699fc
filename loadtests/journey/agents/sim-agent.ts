// One simulated agent: a SIP desk phone built on the edge's own SIP stack (the same UA the test
// phones use) that registers with digest auth through Kamailio, answers after the answer delay,
// talks, hangs up, and after the wrap-up time tells the API it is done (disposition + ready).
import { createHash } from 'node:crypto';
import { newCallId, newTag } from '../../../services/sip-edge/src/sip/build-message';
import { header, type SipAddress, type SipRequest } from '../../../services/sip-edge/src/sip/sip-message';
import { newBranch } from '../../../services/sip-edge/src/sip/transactions';
import { openUdpTransport } from '../../../services/sip-edge/src/sip/udp-transport';
import { SipUserAgent } from '../../../services/sip-edge/src/sip/user-agent';
import { digestAuthorization } from '../../../services/sip-edge/test/support/ws-sip-client';

export interface AgentAccount {
  agentId: string;
  username: string;
  password: string;
  realm: string;
}

export interface AgentBehaviour {
  answerDelayMs: number;
  talkTimeMs: number;
  wrapUpMs: number;
}

export interface AgentCounters {
  rang: number;
  answered: number;
  hungUp: number;
  farEndHungUp: number;
  cancelled: number;
  wrapUpsDone: number;
  stateErrors: number;
  sipErrors: number;
}

/** What "done with wrap-up" means: the harness decides whether that goes to the API or the bus. */
export type WrapUpDone = (agentId: string) => Promise<void>;

export class SimAgent {
  private active = 0;

  private constructor(
    readonly account: AgentAccount,
    private readonly ua: SipUserAgent,
    private readonly proxy: SipAddress,
  ) {}

  static async open(account: AgentAccount, proxy: SipAddress): Promise<SimAgent> {
    const transport = await openUdpTransport({ host: '127.0.0.1', port: 0 });
    const ua = new SipUserAgent({
      transport,
      contactUser: account.username,
      product: 'hotline-journey-agent',
      outboundProxy: proxy,
    });
    return new SimAgent(account, ua, proxy);
  }

  get busy(): boolean {
    return this.active > 0;
  }

  /** REGISTER, answer the 401 challenge with the digest of the provisioned password. */
  async register(expiresSeconds = 900): Promise<void> {
    const { username, realm, password } = this.account;
    const callId = newCallId('127.0.0.1');
    const tag = newTag();
    const { host, port } = this.ua.transport.local;
    const build = (seq: number, authorization?: string): SipRequest => ({
      kind: 'request',
      method: 'REGISTER',
      uri: `sip:${realm}`,
      headers: [
        ['via', `SIP/2.0/UDP ${host}:${port};branch=${newBranch()};rport`],
        ['max-forwards', '70'],
        ['from', `<sip:${username}@${realm}>;tag=${tag}`],
        ['to', `<sip:${username}@${realm}>`],
        ['call-id', callId],
        ['cseq', `${seq} REGISTER`],
        ['contact', `<sip:${username}@${host}:${port}>`],
        ['expires', String(expiresSeconds)],
        ['user-agent', 'hotline-journey-agent'],
        ...(authorization ? ([['authorization', authorization]] as [string, string][]) : []),
      ],
      body: Buffer.alloc(0),
    });
    const first = await this.ua.request(build(1), this.proxy);
    if (first.status === 200) return;
    const challenge = header(first, 'www-authenticate');
    if (first.status !== 401 || !challenge)
      throw new Error(`REGISTER ${username}: ${first.status} ${first.reason}`);
    const ha1 = createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
    const auth = digestAuthorization({ challenge, method: 'REGISTER', uri: `sip:${realm}`, username, ha1 });
    const second = await this.ua.request(build(2, auth), this.proxy);
    if (second.status !== 200) throw new Error(`REGISTER ${username}: ${second.status} ${second.reason}`);
  }

  /** Answers every call the edge rings it with, the way the profile says an agent does. */
  work(
    behaviour: AgentBehaviour,
    answerSdp: () => Buffer,
    counters: AgentCounters,
    wrapUpDone: WrapUpDone,
    timers: Set<NodeJS.Timeout>,
  ): void {
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    };
    this.ua.onInvite = (invite) => {
      counters.rang++;
      this.active++;
      let gone = false;
      invite.onCancel = () => {
        gone = true;
        counters.cancelled++;
        this.active--;
      };
      invite.progress(180);
      later(behaviour.answerDelayMs, () => {
        if (gone || invite.state !== 'pending') return;
        const dialog = invite.answer(answerSdp());
        counters.answered++;
        let ended = false;
        const finish = (byUs: boolean) => {
          if (ended) return;
          ended = true;
          this.active--;
          if (byUs) counters.hungUp++;
          else counters.farEndHungUp++;
          if (behaviour.wrapUpMs <= 0) return;
          later(behaviour.wrapUpMs, () => {
            wrapUpDone(this.account.agentId).then(
              () => counters.wrapUpsDone++,
              (err: unknown) => {
                // The first few go to the agents' log (the run directory's agents.log).
                if (counters.stateErrors++ < 5) process.stderr.write(`${(err as Error).message}\n`);
              },
            );
          });
        };
        dialog.onEnd = () => finish(false);
        later(behaviour.talkTimeMs, () => {
          if (ended || dialog.state === 'terminated') return;
          finish(true);
          dialog.bye().catch(() => counters.sipErrors++);
        });
      });
    };
  }

  async close(): Promise<void> {
    this.ua.close();
    await this.ua.transport.close();
  }
}
