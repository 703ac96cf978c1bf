import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../../../sidecar/config/config-warnings.js';
import { configSchema } from '../../../../sidecar/config/schema.js';

describe('configWarnings', () => {
  it('says nothing for the local defaults', () => {
    expect(configWarnings(configSchema.parse({}))).toEqual([]);
  });

  it('warns when remote SBCs are allowed but the SDP answer would name loopback as the RTP address', () => {
    const w = configWarnings(configSchema.parse({ sip: { allowedSources: ['10.20.0.0/16'] } }));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^sip\.mediaAddress is 127\.0\.0\.1 .*MODSVAR_SIP__MEDIA_ADDRESS/);
    expect(configWarnings(configSchema.parse({ sip: { allowedSources: ['10.20.0.0/16'], mediaAddress: '10.20.0.5' } }))).toEqual([]);
  });

  it('warns about the default drachtio secret only when drachtio-server is on another host', () => {
    expect(configWarnings(configSchema.parse({ drachtio: { host: 'drachtio' } }))[0]).toMatch(/public default .*MODSVAR_DRACHTIO__SECRET/);
    expect(configWarnings(configSchema.parse({ drachtio: { host: 'drachtio', secret: 'a-long-site-secret' } }))).toEqual([]);
  });
});
