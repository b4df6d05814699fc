// The journey caller as a SIPp scenario, written per profile: dial the hotline, be answered by the
// IVR (INVITE→200 is SIPp's response time 1), press the profile's keys as RFC 4733 events (SIPp's
// shipped dtmf_2833_*.pcap, played in the background so the call may end at any time), then wait
// for the agent side to hang up (BYE) no longer than the hold bound. Exit 0 per call means: the
// IVR answered and the call ended with a BYE from the edge.
import type { Profile } from './profile';

const pcapDir = '/usr/share/sip-tester';

function pcapOf(key: string): string {
  const name = key === '*' ? 'star' : key === '#' ? 'pound' : key;
  return `${pcapDir}/dtmf_2833_${name}.pcap`;
}

/** How long after the IVR answers the caller can expect the agent to hang up, at most. */
export function byeTimeoutMs(profile: Profile): number {
  const ivr = profile.ivr.firstDigitAfterMs + (profile.ivr.digits.length - 1) * profile.ivr.betweenDigitsMs;
  return (
    ivr +
    profile.callers.maxHoldSeconds * 1000 +
    profile.agents.answerDelayMs +
    profile.agents.talkTimeMs +
    5000
  );
}

/** The usual length of one journey (IVR, ring, talk), for the baseline's hold time. */
export function typicalCallMs(profile: Profile): number {
  const ivr = profile.ivr.firstDigitAfterMs + (profile.ivr.digits.length - 1) * profile.ivr.betweenDigitsMs;
  return ivr + profile.agents.answerDelayMs + profile.agents.talkTimeMs;
}

export function callerScenario(profile: Profile): string {
  const keys = [...profile.ivr.digits];
  const presses = keys
    .map(
      (key, i) =>
        `  <pause milliseconds="${i === 0 ? profile.ivr.firstDigitAfterMs : profile.ivr.betweenDigitsMs}"/>\n` +
        `  <nop><action><exec play_pcap_audio="${pcapOf(key)}"/></action></nop>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- Written by loadtests/journey for profile ${profile.name}: IVR answers, keys ${profile.ivr.digits}, wait for the agent's BYE. -->
<scenario name="journey caller">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:+15550111@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:+15550111@[local_ip]:[local_port]>
      Max-Forwards: 70
      User-Agent: hotline-journey-caller
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=caller 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 0 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: "Caller" <sip:+15550111@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:+15550111@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
${presses}
  <recv request="BYE" timeout="${byeTimeoutMs(profile)}"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:+15550111@[local_ip]:[local_port]>
      Content-Length: 0
    ]]>
  </send>
  <timewait milliseconds="500"/>
</scenario>
`;
}
