/** What the bench's main thread and its load workers say to each other (load-worker.ts). */

/** One sender: `client` (index in the run) says, or whispers to `to`, at `rate` messages/s. */
export interface SenderLoop {
  client: number;
  to?: string;
  rate: number;
  /** Copies each message should arrive as (the room's size, or 2 for a private message). */
  copies: number;
  /** The sender's part of each message key. */
  name: string;
  /**
   * When its first message goes, after the window opens: senders spread over one interval
   * (all at the same instant, the server would see bursts the rate does not say).
   */
  offsetMs: number;
}

export type Command =
  | { op: 'connect'; indices: number[]; batch: number }
  /** End to end: each [from, to] pair founds its conversation (both clients in this thread). */
  | { op: 'found'; pairs: [number, number][] }
  /** A new phase: counts start again; copies of an earlier phase's messages are ignored. */
  | { op: 'phase'; phase: string }
  /** Sends from `startAt` (wall-clock ms) for `seconds`; answers when that window closes. */
  | { op: 'drive'; startAt: number; seconds: number; loops: SenderLoop[] }
  | { op: 'count' }
  | { op: 'collect' }
  | { op: 'close' };

export type Reply =
  /** `busy`: the thread's event-loop utilisation while its clients connected. */
  | { op: 'connect'; busy: number }
  | { op: 'found' }
  | { op: 'phase' }
  | { op: 'close' }
  | {
      op: 'drive';
      sent: number;
      expected: [string, number][];
      /** Copies received in this thread by the end of the window. */
      deliveries: number;
      /** The thread's event-loop utilisation during the window (1 = saturated). */
      busy: number;
    }
  | { op: 'count'; deliveries: number; lastArrival: number }
  | {
      op: 'collect';
      received: [string, number][];
      latencies: Float64Array;
    };

export type ReplyTo<C extends Command> = Extract<Reply, { op: C['op'] }>;
