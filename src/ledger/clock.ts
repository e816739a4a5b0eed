/** Where the ledger gets the time. Tests use a manual clock so timeouts can be stepped through. */
export interface Clock {
  /** Nanoseconds since the Unix epoch. */
  nowNs(): bigint;
}

/** Wall-clock time with nanosecond steps: anchored to Date.now() once, then advanced by the monotonic clock. */
export function systemClock(): Clock {
  const anchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return { nowNs: () => anchorNs + process.hrtime.bigint() };
}

export interface ManualClock extends Clock {
  advanceSeconds(seconds: number): void;
  set(nowNs: bigint): void;
}

export function manualClock(startNs = 1_767_225_600_000_000_000n): ManualClock {
  let now = startNs;
  return {
    nowNs: () => now,
    advanceSeconds: (seconds) => {
      now += BigInt(seconds) * 1_000_000_000n;
    },
    set: (value) => {
      now = value;
    },
  };
}
