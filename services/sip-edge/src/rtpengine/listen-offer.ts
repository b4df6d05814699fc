// The SDP a browser gets to listen in on a call (rtpengine "subscribe request", two streams).

/**
 * The listen offer as a browser can take it. Both subscribed streams come out of rtpengine with
 * the same a=mid, which Chrome refuses. And rtpengine starts each stream's ICE agent controlled
 * (a subscription is not an offer), each with its own tie-breaker, while the browser answering an
 * offer is controlled too: every stream starts in a role conflict, and the browser has one ICE role
 * for the whole connection. When one stream's tie-breaker wins against the browser and the
 * other's loses, the browser's role flips back and forth and one stream may never connect (seen:
 * the supervisor heard the caller but not the agent). Declaring the offer ICE-lite makes the
 * browser the controlling side from the start, which is what rtpengine's agents expect.
 */
export function forBrowserListener(sdp: string): string {
  const lite = /^a=ice-lite\r?$/m.test(sdp) ? sdp : sdp.replace(/^(t=[^\r\n]*)(\r?\n)/m, '$1$2a=ice-lite$2');
  return uniqueMids(lite);
}

function uniqueMids(sdp: string): string {
  const seen = new Set<string>();
  let next = 0;
  return sdp.replace(/^a=mid:(\S+?)(\r?)$/gm, (line, mid: string, cr: string) => {
    if (!seen.has(mid)) {
      seen.add(mid);
      return line;
    }
    let fresh: string;
    do fresh = String(++next);
    while (seen.has(fresh));
    seen.add(fresh);
    return `a=mid:${fresh}${cr}`;
  });
}
