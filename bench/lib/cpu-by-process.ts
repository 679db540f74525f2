// CPU time per process on Linux, from /proc: a snapshot before and after a measured step says where the
// machine's cores went (the function's Deno, Postgres backends, the bench's own Node process with the
// gateway and the simulator, the sender). Elsewhere it reports nothing.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

type Snapshot = Map<number, { label: string; ticks: number }>;

function labelOf(pid: number): string | undefined {
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
  const fn = /serve-function\.ts (\S+)/.exec(cmd);
  if (fn) return `deno ${fn[1]}`;
  if (/^postgres/.test(cmd) || /\/postgres( |$)/.test(cmd)) return 'postgres';
  if (/open-loop-sender/.test(cmd)) return 'sender';
  if (/bench\/run\.ts/.test(cmd)) return 'bench (gateway, simulator, logs)';
  return undefined;
}

export function cpuSnapshot(): Snapshot {
  const snap: Snapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return snap;
  }
  for (const p of pids) {
    const pid = Number(p);
    const label = labelOf(pid);
    if (!label) continue;
    try {
      // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      snap.set(pid, { label, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return snap;
}

/** CPU milliseconds per label between two snapshots (processes present in the second). */
export function cpuDelta(before: Snapshot, after: Snapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, { label, ticks }] of after) {
    const used = ticks - (before.get(pid)?.ticks ?? 0);
    if (used > 0) out[label] = (out[label] ?? 0) + (used * 1000) / TICKS_PER_SECOND;
  }
  return out;
}
