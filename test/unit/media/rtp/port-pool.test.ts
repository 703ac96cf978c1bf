import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { PortPool, PortsExhaustedError } from '../../../../media/rtp/port-pool.js';

/** An even base port in a quiet range, different per run so parallel test files do not collide. */
function basePort(): number {
  return 52000 + 2 * Math.floor(Math.random() * 3000);
}

function bindUdp(port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve(socket));
  });
}

describe('PortPool', () => {
  it('leases even ports only, all different, and takes them back on release', async () => {
    const pool = new PortPool({ minPort: 40001, maxPort: 40010, bindAddress: '127.0.0.1', probe: false });
    expect(pool.minPort).toBe(40002);
    expect(pool.available).toBe(5);
    const ports = await pool.lease(3);
    expect(ports).toEqual([40002, 40004, 40006]);
    expect(pool.leased).toBe(3);
    expect(pool.available).toBe(2);
    expect(pool.isLeased(40004)).toBe(true);
    pool.release(ports);
    expect(pool.leased).toBe(0);
    expect(pool.available).toBe(5);
  });

  it('hands out the least recently released port first', async () => {
    const pool = new PortPool({ minPort: 40000, maxPort: 40004, bindAddress: '127.0.0.1', probe: false });
    const [a] = await pool.lease(1);
    pool.release(a);
    expect(await pool.lease(1)).toEqual([40002]);
  });

  it('makes release idempotent and ignores ports it never leased', async () => {
    const pool = new PortPool({ minPort: 40000, maxPort: 40004, bindAddress: '127.0.0.1', probe: false });
    const [a] = await pool.lease(1);
    pool.release(a);
    pool.release(a);
    pool.release(12345);
    expect(pool.available).toBe(3);
    expect(pool.leased).toBe(0);
  });

  it('fails an over-large lease with RTP_PORTS_EXHAUSTED and keeps nothing leased', async () => {
    const pool = new PortPool({ minPort: 40000, maxPort: 40004, bindAddress: '127.0.0.1', probe: false });
    await pool.lease(2);
    const err = await pool.lease(2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortsExhaustedError);
    expect((err as PortsExhaustedError).code).toBe('RTP_PORTS_EXHAUSTED');
    expect((err as PortsExhaustedError).requested).toBe(2);
    expect(pool.leased).toBe(2);
    expect(pool.available).toBe(1);
  });

  it('never leases the same port twice to concurrent callers', async () => {
    const base = basePort();
    const pool = new PortPool({ minPort: base, maxPort: base + 20, bindAddress: '127.0.0.1' });
    const leases = await Promise.all([pool.lease(3), pool.lease(3), pool.lease(3)]);
    const all = leases.flat();
    expect(new Set(all).size).toBe(9);
    expect(pool.leased).toBe(9);
  });

  it('skips a port another process has bound, and can lease it once it is free', async () => {
    const base = basePort();
    const other = await bindUdp(base);
    try {
      const pool = new PortPool({ minPort: base, maxPort: base + 4, bindAddress: '127.0.0.1' });
      expect(await pool.lease(2)).toEqual([base + 2, base + 4]);
      await expect(pool.lease(1)).rejects.toMatchObject({ code: 'RTP_PORTS_EXHAUSTED' });
      other.close();
      expect(await pool.lease(1)).toEqual([base]);
    } finally {
      try {
        other.close();
      } catch {
        // closed above
      }
    }
  });

  it('refuses a range with no usable even port', () => {
    expect(() => new PortPool({ minPort: 40001, maxPort: 40001, bindAddress: '0.0.0.0' })).toThrow(TypeError);
    expect(() => new PortPool({ minPort: 80, maxPort: 90, bindAddress: '0.0.0.0' })).toThrow(TypeError);
  });
});
