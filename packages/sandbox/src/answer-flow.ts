/**
 * How answers to a run's tool calls leave the host: at a pace the host's event loop and the engine can
 * take. Parallel calls answered with megabytes each would otherwise be stringified and copied all in one
 * turn of the event loop (seconds with the loop blocked), and, for an engine that takes answers later than
 * the host makes them (a worker thread, a remote VM), all held on the host at once.
 */
import { deferred } from "./deferred.js";

/** Units (UTF-16) of answers made in one turn of the event loop before the next answer waits a turn. */
export const UNITS_PER_TURN = 1024 * 1024;

/**
 * Resolves at a later turn of the event loop. A timer, not setImmediate: work resumed in the poll phase
 * would otherwise run again in the check phase of the same iteration, before any timer.
 */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}

export class AnswerFlow {
  /** Units made since the last turn ended. */
  private unitsThisTurn = 0;
  /** Pending until the next turn of the event loop, once this turn has made its share. */
  private turn: Promise<void> | undefined;
  /** Units handed to the adapter and not yet acknowledged as taken by its engine. */
  private unacknowledged = 0;
  /** Settles when acknowledgements make room, or when the run ends. */
  private room: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Set while one large answer is made over several turns (see {@link hold}). */
  private making: { promise: Promise<void>; resolve: () => void } | undefined;
  private closed = false;

  /**
   * @param budget Most units the engine may leave unacknowledged before later answers wait; undefined
   *   when the engine takes each answer as it settles (no acknowledgements come).
   */
  constructor(private readonly budget: number | undefined) {}

  /**
   * What to wait for before the next answer may be made (a later turn once this one made its share, or
   * room under the budget), or `undefined`: make it now, and report it to {@link made} before anything
   * else waits, so no other answer slips in between. Call again after each wait.
   */
  wait(): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.making) return this.making.promise;
    if (this.turn) return this.turn;
    if (this.budget !== undefined && this.unacknowledged >= this.budget) {
      this.room ??= deferred();
      return this.room.promise;
    }
    return undefined;
  }

  /**
   * One large answer is made over several turns from now (each costly step in a turn of its own): every
   * other answer waits until the returned function is called, once that answer went to {@link made}.
   */
  hold(): () => void {
    const making = deferred();
    this.making = making;
    return () => {
      if (this.making === making) this.making = undefined;
      making.resolve();
    };
  }

  /** An answer of `units` is going to the adapter now. */
  made(units: number): void {
    if (this.budget !== undefined) this.unacknowledged += units;
    this.unitsThisTurn += units;
    if (this.unitsThisTurn >= UNITS_PER_TURN)
      this.turn ??= nextTurn().then(() => {
        this.turn = undefined;
        this.unitsThisTurn = 0;
      });
  }

  /** The adapter's engine took answers of `units`. */
  taken(units: number): void {
    if (!(units > 0)) return;
    this.unacknowledged = Math.max(0, this.unacknowledged - units);
    if (this.room && this.unacknowledged < this.budget!) this.openRoom();
  }

  /** The run ended or was stopped: nothing waits any more (waiters then refuse to make their answer). */
  close(): void {
    this.closed = true;
    this.openRoom();
  }

  private openRoom(): void {
    const room = this.room;
    this.room = undefined;
    room?.resolve();
  }
}
