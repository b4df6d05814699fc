import { createHash } from 'node:crypto';

/**
 * HA1 of HTTP/SIP digest authentication (RFC 2617 §3.2.2.2, used by RFC 3261 §22.4):
 * MD5("username:realm:password"). Kamailio's auth_db checks a stored HA1 directly
 * (calculate_ha1 off), so the plain password is never kept. MD5 is what the protocol
 * mandates here, not a choice.
 */
export function sipHa1(username: string, realm: string, password: string): string {
  return createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest('hex');
}
