import { BlockList, isIP } from 'node:net';
import type { ModsvarConfig } from './schema.js';

/** drachtio-server's well-known default shared secret. */
export const DRACHTIO_DEFAULT_SECRET = 'cymru';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function isLoopbackOrUnspecified(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return address === 'localhost';
  if (address === '0.0.0.0' || address === '::') return true;
  return loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** True when a source entry (`a.b.c.d` or `net/prefix`) reaches beyond this host. */
function isRemoteSource(entry: string): boolean {
  const [address] = entry.split('/');
  return !isLoopbackOrUnspecified(address);
}

/**
 * Valid but risky settings, one sentence each, for the start-up log. Nothing here stops start-up:
 * a local trial on loopback is fine, the same values in front of a real SBC are not.
 *
 * - `sip.mediaAddress` on loopback while recording clients on other hosts are allowed: the SDP answer
 *   would tell the SBC to send RTP to its own loopback, so the call records silence.
 * - the drachtio secret left at drachtio's public default while drachtio-server is on another host.
 */
export function configWarnings(config: ModsvarConfig): string[] {
  const warnings: string[] = [];
  const remoteSbc = config.sip.allowedSources.some(isRemoteSource);
  if (remoteSbc && isLoopbackOrUnspecified(config.sip.mediaAddress)) {
    warnings.push(
      `sip.mediaAddress is ${config.sip.mediaAddress} while recording clients on other hosts are allowed: SDP answers would ` +
        'tell them to send RTP to their own loopback; set sip.mediaAddress (MODSVAR_SIP__MEDIA_ADDRESS) to the address the SBC reaches this host on',
    );
  }
  if (config.drachtio.secret === DRACHTIO_DEFAULT_SECRET && !isLoopbackOrUnspecified(config.drachtio.host)) {
    warnings.push(
      `the drachtio-server secret is drachtio's public default while drachtio-server is on ${config.drachtio.host}: ` +
        'set MODSVAR_DRACHTIO__SECRET (and the same secret in drachtio-server) so nothing else can drive it',
    );
  }
  return warnings;
}
