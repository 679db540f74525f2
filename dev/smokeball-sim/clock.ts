// The sim clock: real time plus an offset that `POST /__sim/clock` advances. Code, token and upload-URL
// expiry read it, so tests can expire things without waiting (a fake clock, never a sleep).

/** .NET ticks (100 ns since 0001-01-01 UTC) at the Unix epoch (docs/smokeball.md §8 "Timestamps"). */
const TICKS_AT_UNIX_EPOCH = 621355968000000000n;
const TICKS_PER_MS = 10000n;

export class SimClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

/** Unix ms → .NET ticks, as a decimal string (the value exceeds 2^53, so never a JS number). */
export function ticksOf(unixMs: number): string {
  return (BigInt(Math.trunc(unixMs)) * TICKS_PER_MS + TICKS_AT_UNIX_EPOCH).toString();
}

/** .NET ticks → Unix ms (for `UpdatedSince` filters). */
export function unixMsOfTicks(ticks: string | bigint): number {
  return Number((BigInt(ticks) - TICKS_AT_UNIX_EPOCH) / TICKS_PER_MS);
}
