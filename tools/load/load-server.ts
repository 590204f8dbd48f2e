import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type RunningServer, startBuiltServer } from '@app/testing';

/**
 * The built server for load tools: every client comes from 127.0.0.1, so the per-address
 * limits meant for the internet are lifted; everything else is the default configuration.
 * `profileDir`: write a V8 CPU profile of the server there when it stops.
 */
export function startLoadServer(
  profileDir?: string,
  options: {
    dir?: string;
    env?: NodeJS.ProcessEnv;
    /** More options for node (a heap snapshot signal, say). */
    nodeArgs?: string[];
    /** Another checkout's build, to compare. */
    root?: string;
  } = {},
): Promise<RunningServer> {
  return startBuiltServer({
    dir: options.dir,
    root: options.root,
    nodeArgs: [
      ...(profileDir
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${profileDir}`,
            `--require=${join(__dirname, 'exit-on-second-sigterm.cjs')}`,
          ]
        : []),
      ...(options.nodeArgs ?? []),
    ],
    env: {
      LOG_LEVEL: 'warn',
      RATE_HANDSHAKES_PER_MINUTE: '10000000',
      MAX_CONNECTIONS_PER_ADDRESS: '10000000',
      MAX_UNAUTHENTICATED: '10000000',
      RATE_ADDRESS_EVENTS_PER_SECOND: '10000000',
      ROOM_DELIVERIES_PER_SECOND: '100000000',
      // thousands of new names a run, all from 127.0.0.1 (A71)
      NAMES_PER_ADDRESS_PER_DAY: '10000000',
      ...options.env,
    },
  });
}

/** CPU seconds used so far and resident memory of a process, from /proc (Linux). */
export function processStats(pid: number): { cpu: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, in clock ticks of 1/100 s
  const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
  const rss = /VmRSS:\s+(\d+)/.exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return { cpu, rssMb: Number(rss?.[1] ?? 0) / 1024 };
}
