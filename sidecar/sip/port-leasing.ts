import type { RtpPortLeaser } from './recording-session-types.js';
import type { SiprecContext } from './siprec-request.js';

/**
 * Runs a SIPREC decision that may need RTP ports, when the port pool leases asynchronously (it test-binds
 * each port) but the decision functions are synchronous and pure.
 *
 * Pass 1 runs the decision with a counting `leasePorts` that hands out nothing, to learn how many ports
 * the answer needs. When none are needed (a refusal, a metadata-only UPDATE), pass 1's result stands.
 * Otherwise that many ports are leased (none when the pool is exhausted, so the decision answers 503)
 * and pass 2 runs with them as a fixed list; ports the decision did not use go straight back.
 *
 * @param run the decision, called once or twice with a context
 * @param base the context without `leasePorts`
 * @returns the decision; its `leasedPorts` are owned by the caller from now on
 */
export async function decideWithPorts<D extends { leasedPorts: number[] }>(
  run: (ctx: SiprecContext) => D,
  base: Omit<SiprecContext, 'leasePorts'>,
  ports: RtpPortLeaser,
): Promise<D> {
  let wanted = 0;
  const first = run({ ...base, leasePorts: (count: number) => ((wanted += count), []) });
  if (wanted === 0) return first;
  let leased: number[] = [];
  try {
    leased = await ports.lease(wanted);
  } catch {
    leased = []; // exhausted: the decision answers 503 with its own Warning
  }
  const decision = run({ ...base, leasePorts: leased });
  const used = new Set(decision.leasedPorts);
  const unused = leased.filter((p) => !used.has(p));
  if (unused.length > 0) ports.release(unused);
  return decision;
}
