// What an agent is told when the SIP side fails. JsSIP reports a `cause` (its Constants.causes
// strings) and, for SIP failures, the final response code: both are mapped here in one place.

export interface SipFailure {
  cause: string;
  /** The final SIP response code, when the failure was a SIP response. */
  status?: number;
}

/** Why a REGISTER did not succeed, in words an agent can act on. */
export function registrationFailureMessage(f: SipFailure): string {
  switch (f.cause) {
    case 'Authentication Error':
      return 'The phone server refused your SIP credentials. Sign out and in again; if it persists, ask an administrator to reset your softphone password.';
    case 'Connection Error':
      return 'Cannot reach the phone server (WebSocket). Check your network; if it uses a self-signed certificate, open its address once and accept it.';
    case 'Request Timeout':
      return 'The phone server did not answer the registration in time. Retrying.';
    case 'Rejected':
      return 'The phone server refused the registration (403 Forbidden): wrong SIP credentials or a disabled account. Ask an administrator to check your softphone account.';
    case 'SIP Failure Code':
      return f.status === 503
        ? 'The phone server is temporarily unavailable (503). Retrying.'
        : `The phone server refused the registration (SIP ${f.status ?? 'error'}).`;
    default:
      return `Registration failed: ${f.cause}${f.status ? ` (SIP ${f.status})` : ''}.`;
  }
}

/** Whether a registration failure will go away by itself (JsSIP retries these). */
export function registrationFailureIsTransient(f: SipFailure): boolean {
  if (f.cause === 'Connection Error' || f.cause === 'Request Timeout') return true;
  return f.cause === 'SIP Failure Code' && (f.status === 503 || f.status === 500 || f.status === 408);
}

/** Why a call ended or could not be set up. */
export function callEndMessage(f: SipFailure & { originator: 'local' | 'remote' | 'system' }): string {
  switch (f.cause) {
    case 'Terminated':
      return f.originator === 'local' ? 'You hung up.' : 'The other party hung up.';
    case 'Canceled':
      // The edge also cancels when the ring time runs out and the ACD moves the call on.
      return f.originator === 'local'
        ? 'Call cancelled.'
        : 'The call stopped ringing: the caller hung up or it went to another agent.';
    case 'Rejected':
      return f.originator === 'local' ? 'You rejected the call.' : 'The call was rejected.';
    case 'Busy':
      return 'Busy.';
    case 'Not Found':
      return 'No such number or extension.';
    case 'Unavailable':
      return 'Unavailable: nobody answered or the target is not registered.';
    case 'No Answer':
      return 'No answer.';
    case 'Address Incomplete':
      return 'The number is incomplete.';
    case 'Incompatible SDP':
    case 'Bad Media Description':
    case 'Missing SDP':
      return 'Audio could not be negotiated with the other side.';
    case 'User Denied Media Access':
      return 'The microphone is blocked: allow it in the browser to take calls.';
    case 'WebRTC Error':
      return 'The browser could not set up audio for this call.';
    case 'RTP Timeout':
      return 'Audio stopped flowing; the call was ended.';
    case 'Connection Error':
      return 'The connection to the phone server was lost.';
    case 'Request Timeout':
      return 'The phone server did not answer in time.';
    case 'Authentication Error':
      return 'The phone server refused your credentials for this call.';
    case 'Expires':
      return 'The call was not answered in time.';
    default:
      return `Call ended: ${f.cause}${f.status ? ` (SIP ${f.status})` : ''}.`;
  }
}
