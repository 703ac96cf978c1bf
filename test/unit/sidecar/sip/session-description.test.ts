/**
 * Stream labels that repeat (RFC 4574 wants them unique; SRCs do not always comply): every m= line stays its
 * own stream under a label unique in the session, while the answer echoes each line's own `a=label`.
 */
import { describe, expect, it } from 'vitest';
import { interpretInDialog, interpretInitialInvite } from '../../../../sidecar/sip/siprec-request.js';
import { context, fixture, mLines } from './helpers.js';

describe('duplicate stream labels', () => {
  it('keeps three SDP-only m= lines all labelled 1 as three streams with three participants, roles by order', () => {
    const d = interpretInitialInvite(fixture('extra/duplicate-labels-sdp-only.sip'), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([
      ['audio', 40000, '0 101', 'recvonly', '1'], ['audio', 40002, '0 101', 'recvonly', '1'], ['audio', 40004, '0 101', 'recvonly', '1'],
    ]);
    const s = d.session!;
    expect(s.streams.map((x) => [x.label, x.mediaIndex, x.participantId, x.role, x.localPort, x.remotePort])).toEqual([
      ['1', 0, 'stream-1', 'customer', 40000, 31000],
      ['1~2', 1, 'stream-1~2', 'agent', 40002, 31002],
      ['1~3', 2, 'stream-1~3', 'unknown', 40004, 31004],
    ]);
    expect(s.participants).toEqual([
      { id: 'stream-1', aor: '', role: 'customer', roleSource: 'order' },
      { id: 'stream-1~2', aor: '', role: 'agent', roleSource: 'order' },
      { id: 'stream-1~3', aor: '', role: 'unknown', roleSource: 'fallback' },
    ]);
    expect(s.warnings).toContain('SDP labels 3 m= lines 1; each is its own stream, recorded as 1, 1~2, 1~3');
    expect(s.warnings).toContain('no recording metadata; one participant per audio stream');
  });

  it('keeps each duplicate-labelled stream on its own port when the same offer comes again in the dialog', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('extra/duplicate-labels-sdp-only.sip'), ctx);
    const again = interpretInDialog(fixture('extra/duplicate-labels-sdp-only.sip'), first.session!, ctx);
    expect(again.response.status).toBe(200);
    expect(again.leasedPorts).toEqual([]);
    expect(again.changes).toEqual([]);
    expect(again.session.streams.map((x) => [x.label, x.localPort, x.participantId])).toEqual([
      ['1', 40000, 'stream-1'], ['1~2', 40002, 'stream-1~2'], ['1~3', 40004, 'stream-1~3'],
    ]);
  });

  it('binds two metadata <stream>s that claim the same label to the m= lines with that label in order, not to one mixed stream', () => {
    const d = interpretInitialInvite(fixture('extra/duplicate-labels-metadata.sip'), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp).map((m) => m[4])).toEqual(['1', '1']);
    const s = d.session!;
    expect(s.streams.map((x) => [x.label, x.participantId, x.participantIds, x.role, x.metadataStreamId])).toEqual([
      ['1', 'pc', undefined, 'customer', 'sc'],
      ['1~2', 'pa', undefined, 'agent', 'sa'],
    ]);
    expect(s.participants.map((p) => [p.id, p.role, p.roleSource])).toEqual([['pc', 'customer', 'order'], ['pa', 'agent', 'order']]);
    expect(s.warnings).toContain('metadata streams sc, sa claim the same label 1; each is bound to its own m= line labelled 1, in order (1, 1~2)');
  });
});
