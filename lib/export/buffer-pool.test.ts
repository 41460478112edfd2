import { describe, expect, it } from "vitest";
import { BufferPool } from "./buffer-pool";

describe("BufferPool", () => {
  it("lends buffers of at least the size asked, in multiples of the unit", () => {
    const pool = new BufferPool({ unitBytes: 1024, maxIdle: 2 });
    expect(pool.acquire(1).length).toBe(1024);
    expect(pool.acquire(1024).length).toBe(1024);
    expect(pool.acquire(1025).length).toBe(2048);
    expect(pool.acquire(0).length).toBe(1024);
    expect(pool.lentCount).toBe(4);
  });

  it("lends a released buffer again instead of a new one, the smallest that fits", () => {
    const pool = new BufferPool({ unitBytes: 1024, maxIdle: 2 });
    const small = pool.acquire(1000);
    const large = pool.acquire(5000);
    pool.release(large);
    pool.release(small);
    expect(pool.acquire(900)).toBe(small);
    expect(pool.acquire(900)).toBe(large);
    // Nothing idle fits: a new one.
    const other = pool.acquire(900);
    expect(other).not.toBe(small);
    expect(other).not.toBe(large);
  });

  it("never lends one buffer to two borrowers at once", () => {
    const pool = new BufferPool({ unitBytes: 1024, maxIdle: 4 });
    const lent = new Set(Array.from({ length: 10 }, () => pool.acquire(1024)));
    expect(lent.size).toBe(10);
  });

  it("keeps at most maxIdle released buffers, the largest", () => {
    const pool = new BufferPool({ unitBytes: 1024, maxIdle: 2 });
    const buffers = [1, 3, 2].map((units) => pool.acquire(units * 1024));
    for (const buffer of buffers) pool.release(buffer);
    expect(pool.acquire(1)).toBe(buffers[2]);
    expect(pool.acquire(1)).toBe(buffers[1]);
    expect(pool.acquire(1)).not.toBe(buffers[0]);
  });

  it("refuses a buffer released twice or never lent", () => {
    const pool = new BufferPool({ unitBytes: 1024, maxIdle: 2 });
    const buffer = pool.acquire(10);
    pool.release(buffer);
    expect(() => pool.release(buffer)).toThrow(/not lent/);
    expect(() => pool.release(new Uint8Array(1024))).toThrow(/not lent/);
    expect(pool.lentCount).toBe(0);
  });
});
