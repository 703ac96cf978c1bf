/**
 * SIPREC signalling cost: how long `interpretInitialInvite` takes per INVITE (multipart split, RFC 7865
 * metadata, SDP answer, roles) over the vendor corpus, and a re-INVITE through `interpretInDialog`.
 * Prints µs per message and messages per second on one core; asserts nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../sidecar/config/schema.js';
import { parseSipMessage } from '../../sidecar/sip/sip-message.js';
import { interpretInDialog, interpretInitialInvite, type SiprecContext } from '../../sidecar/sip/siprec-request.js';
import { registerBench } from './bench-registry.js';

const DIR = fileURLToPath(new URL('../fixtures/siprec/', import.meta.url));

registerBench({
  name: 'siprec-parse',
  async run() {
    const sip = configSchema.parse({}).sip;
    const ctx: SiprecContext = { sip, activeCalls: 0, enforceAcl: false, leasePorts: (n) => Array.from({ length: n }, (_, i) => 40000 + 2 * i) };
    const invites = readdirSync(DIR).filter((f) => f.endsWith('.sip')).map((f) => parseSipMessage(readFileSync(DIR + f, 'utf8')).request)
      .filter((r) => r.method === 'INVITE' && !/;\s*tag=/.test(r.headers.to ?? ''));
    const rawText = readFileSync(DIR + '01-rfc-example-audio-video-complete.sip', 'utf8');
    const first = interpretInitialInvite(parseSipMessage(rawText).request, ctx).session!;
    const reinvite = parseSipMessage(readFileSync(DIR + '02-rfc-example-partial-hold-reinvite.sip', 'utf8')).request;

    const time = (rounds: number, fn: () => void): number => {
      for (let i = 0; i < Math.min(200, rounds); i++) fn();
      const t0 = performance.now();
      for (let i = 0; i < rounds; i++) fn();
      return ((performance.now() - t0) * 1000) / rounds;
    };
    const perInviteUs = time(300, () => { for (const r of invites) interpretInitialInvite(r, ctx); }) / invites.length;
    const parseMessageUs = time(2000, () => parseSipMessage(rawText));
    const reinviteUs = time(2000, () => interpretInDialog(reinvite, first, ctx));
    return {
      figures: {
        corpusInvites: invites.length,
        perInitialInviteUs: perInviteUs,
        initialInvitesPerSecond: Math.round(1e6 / perInviteUs),
        rawMessageParseUs: parseMessageUs,
        partialHoldReinviteUs: reinviteUs,
      },
    };
  },
});
