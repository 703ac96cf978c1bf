import { describe, expect, it } from 'vitest';
import { JitterBuffer, PushResult, type PlayoutSink } from '../../../../media/rtp/jitter-buffer.js';

/** Records the played-out timeline: "p<id>" for a packet (first payload byte = id), "c<samples>", "j<position>". */
class Recorder implements PlayoutSink<string> {
  events: string[] = [];
  samples = 0;
  play(data: Uint8Array, offset: number, length: number): void {
    this.events.push(length === 160 ? `p${data[offset]}` : `p${data[offset]}:${length}`);
    this.samples += length;
  }
  conceal(samples: number): void {
    this.events.push(`c${samples}`);
    this.samples += samples;
  }
  jump(position: number): void {
    this.events.push(`j${position}`);
    this.samples = position;
  }
}

const payload = (id: number, samples = 160): Uint8Array => new Uint8Array(samples).fill(id);

/** Drives a buffer like the pipeline does: seq/ts from a packet index, arrival in ms. */
function harness(depthMs = 60, maxGapFillMs?: number) {
  const sink = new Recorder();
  const jb = new JitterBuffer<string>(sink, { depthMs, maxGapFillMs });
  let highest = -1;
  const push = (index: number, arrivalMs: number, opts: { ts?: number; restart?: boolean } = {}) => {
    const inOrder = index > highest;
    const contiguous = inOrder && index === highest + 1;
    if (inOrder) highest = index;
    const ts = opts.ts ?? (1000 + index * 160);
    return jb.push(ts >>> 0, inOrder, contiguous && !opts.restart, opts.restart ?? false, arrivalMs, payload(index), 0, 160, 'pcmu');
  };
  return { sink, jb, push, setHighest: (h: number) => (highest = h) };
}

describe('JitterBuffer', () => {
  it('plays in-order packets at once, with no added delay', () => {
    const { sink, jb, push } = harness();
    expect(push(0, 0)).toBe(PushResult.Accepted);
    push(1, 20);
    push(2, 40);
    expect(sink.events).toEqual(['p0', 'p1', 'p2']);
    expect(jb.headPosition).toBe(480);
    expect(jb.waiting).toBe(false);
  });

  it('restores the order of packets reordered within the depth', () => {
    const { sink, push } = harness(60);
    push(0, 0);
    push(2, 40); // 1 is late in the network
    push(3, 60);
    expect(sink.events).toEqual(['p0']);
    push(1, 61);
    push(4, 80);
    expect(sink.events).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('conceals a lost packet with silence of the length the timestamps say, once the depth is buffered', () => {
    const { sink, push } = harness(60);
    push(0, 0);
    push(3, 60); // 1 and 2 lost: 320 samples
    expect(sink.events).toEqual(['p0']);
    push(4, 80); // slot 4 is 60 ms after slot 1: the gap is depthMs overdue
    expect(sink.events).toEqual(['p0', 'c320', 'p3', 'p4']);
    expect(sink.samples).toBe(5 * 160);
  });

  it('derives the concealed length from timestamps, not packet count (30 ms packets)', () => {
    const sink = new Recorder();
    const jb = new JitterBuffer<string>(sink, { depthMs: 0 });
    jb.push(0, true, true, false, 0, payload(1, 240), 0, 240, 'x');
    jb.push(480, true, false, false, 60, payload(3, 240), 0, 240, 'x'); // one 240-sample packet lost
    expect(sink.events).toEqual(['p1:240', 'c240', 'p3:240']);
  });

  it('conceals on the wall clock when packets stop after a gap (poll from the shared ticker)', () => {
    const { sink, jb, push } = harness(60);
    push(0, 0);
    push(2, 40);
    expect(jb.waiting).toBe(true);
    jb.poll(70); // gap seen at 40 ms; 30 ms waited
    expect(sink.events).toEqual(['p0']);
    jb.poll(101);
    expect(sink.events).toEqual(['p0', 'c160', 'p2']);
    expect(jb.waiting).toBe(false);
  });

  it('counts a packet arriving after its slot was concealed as late and drops it', () => {
    const { sink, push } = harness(40);
    push(0, 0);
    push(2, 40);
    push(3, 60); // 320 buffered ≥ 40 ms: 1 concealed
    expect(sink.events).toEqual(['p0', 'c160', 'p2', 'p3']);
    expect(push(1, 70)).toBe(PushResult.Late);
    expect(sink.events).toEqual(['p0', 'c160', 'p2', 'p3']);
  });

  it('reports a second packet at a buffered position as a duplicate', () => {
    const { push, setHighest } = harness(60);
    push(0, 0);
    push(2, 40);
    setHighest(1); // pretend a different sequence number carried the same timestamp
    expect(push(2, 41)).toBe(PushResult.Duplicate);
  });

  it('follows timestamps across the 2^32 wrap without a gap', () => {
    const { sink, push } = harness(60);
    const start = 0xffffffff - 159 - 160; // two packets before the wrap
    for (let i = 0; i < 5; i++) push(i, i * 20, { ts: start + i * 160 });
    expect(sink.events).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(sink.samples).toBe(800);
  });

  it('fills a silence-suppression gap (contiguous sequence, timestamps jump) at once', () => {
    const { sink, push } = harness(60);
    push(0, 0);
    push(1, 1020, { ts: 1000 + 160 + 8000 }); // 1 s of DTX
    expect(sink.events).toEqual(['p0', 'c8000', 'p1']);
  });

  it('continues the timeline for a new SSRC at wall-clock time, not at its random timestamp', () => {
    const { sink, jb, push } = harness(60);
    push(0, 0);
    push(1, 20);
    // New source 100 ms after the last packet with a timestamp hours away.
    push(2, 120, { ts: 2_000_000_000, restart: true });
    push(3, 140, { ts: 2_000_000_160 });
    expect(sink.events).toEqual(['p0', 'p1', 'c640', 'p2', 'p3']);
    expect(jb.headPosition).toBe(160 * 2 + 640 + 320);
  });

  it('treats an in-sequence timestamp jump that disagrees with the wall clock as a sender jump', () => {
    const { sink, push } = harness(60);
    push(0, 0);
    push(1, 20, { ts: 1000 + 160 + 8000 * 3600 }); // +1 h in 20 ms
    push(2, 40, { ts: 1000 + 320 + 8000 * 3600 });
    expect(sink.events).toEqual(['p0', 'p1', 'p2']);
    push(3, 60, { ts: 5 }); // backwards, in sequence
    expect(sink.events).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('jumps instead of filling when the wall-clock gap exceeds maxGapFillMs', () => {
    const { sink, push } = harness(60, 1000);
    push(0, 0);
    push(1, 10_020, { ts: 1000 + 160 + 80_000, restart: true }); // 10 s later
    expect(sink.events).toEqual(['p0', 'j80160', 'p1']);
  });

  it('after resume, places the next packet at wall-clock time with a jump and no silence', () => {
    const { sink, jb, push } = harness(60);
    push(0, 0);
    push(1, 20);
    jb.flush();
    jb.resume();
    push(2, 5020, { ts: 1000 + 320 + 999 }); // sender kept its clock running, off-grid
    push(3, 5040, { ts: 1000 + 480 + 999 });
    expect(sink.events).toEqual(['p0', 'p1', 'j40160', 'p2', 'p3']);
  });

  it('flush plays out everything buffered, concealing the gaps between', () => {
    const { sink, jb, push } = harness(200);
    push(0, 0);
    push(2, 40);
    push(5, 100);
    jb.flush();
    expect(sink.events).toEqual(['p0', 'c160', 'p2', 'c320', 'p5']);
    expect(jb.bufferedPackets).toBe(0);
    expect(jb.waiting).toBe(false);
  });

  it('keeps the timeline moving with silence once packets stop, up to wall-clock time minus the depth', () => {
    const { sink, jb, push } = harness(60);
    push(0, 0);
    push(1, 20);
    jb.advanceIdle(400, 500); // idle 380 ms < 500: nothing yet
    expect(sink.events).toEqual(['p0', 'p1']);
    jb.advanceIdle(620, 500); // idle 600 ms: fill to 160 + 4800 − 480 = 4480
    jb.advanceIdle(640, 500); // +20 ms: one more frame
    expect(sink.events).toEqual(['p0', 'p1', 'c4160', 'c160']);
    expect(jb.headPosition).toBe(4640);
  });

  it('continues a silence-suppressed stream seamlessly after an idle fill', () => {
    const { sink, jb, push } = harness(60);
    push(0, 0);
    push(1, 20);
    jb.advanceIdle(640, 60);
    push(2, 1020, { ts: 1000 + 320 + 7840 }); // talk spurt 1 s after packet 1, sequence contiguous
    expect(sink.events).toEqual(['p0', 'p1', 'c4320', 'c3520', 'p2']);
    expect(jb.headPosition).toBe(8160 + 160);
  });

  it('re-anchors a stalled in-sequence packet whose slot an idle fill already covered, instead of dropping it', () => {
    const { sink, jb, push } = harness(60);
    push(0, 0);
    push(1, 20);
    jb.advanceIdle(640, 500);
    expect(push(2, 700)).toBe(PushResult.Accepted); // its timestamp slot (320) is long played
    expect(sink.events).toEqual(['p0', 'p1', 'c4320', 'c960', 'p2']);
  });

  it('stops the idle fill at maxGapFillMs past the last packet and does nothing while a resume is pending', () => {
    const { sink, jb, push } = harness(60, 1000);
    push(0, 0);
    jb.advanceIdle(60_000, 500);
    expect(sink.events).toEqual(['p0', 'c7840']); // the head stops 1000 ms (8000 samples) after packet 0's slot
    expect(jb.headPosition).toBe(8000);
    const other = harness(60);
    other.push(0, 0);
    other.jb.resume();
    other.jb.advanceIdle(10_000, 500);
    expect(other.sink.events).toEqual(['p0']);
  });
});
