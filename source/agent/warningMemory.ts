// Which connector warnings a pass of this process told, and when: the daemon opens a connector
// for every pass (each poll), and a workspace it does not read or a status code it does not know
// stays so until someone acts — told every minute it would bury the rest of the log. A warning is
// told again after `repeatMs`.
//
// The memory lives as long as the agent, so it forgets by itself: a warning last told more than
// `repeatMs` ago would be told again anyway, so it is dropped (swept at most once per `repeatMs /
// 24`), and past `limit` warnings the oldest go first (told again sooner than a day, which is
// better than an agent that grows with every new wording a vendor comes up with).

export class WarningMemory {
  /** key → when last told; insertion order is telling order (a retold key is moved to the end). */
  private readonly told = new Map<string, number>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly repeatMs: number,
    private readonly limit = 10_000,
  ) {}

  /** True when `message` was not told for `integration` within repeatMs (and it counts as told now). */
  firstTelling(integration: string, message: string, at: number): boolean {
    this.sweep(at);
    const key = `${integration}\u0000${message}`;
    const last = this.told.get(key);
    // (A time after `at` is from a clock that was set back: told again.)
    if (last !== undefined && at >= last && at - last < this.repeatMs) return false;
    this.told.delete(key);
    this.told.set(key, at);
    if (this.told.size > this.limit) this.told.delete(this.told.keys().next().value!);
    return true;
  }

  get size(): number {
    return this.told.size;
  }

  private sweep(at: number): void {
    if (at >= this.sweptAt && at - this.sweptAt < this.repeatMs / 24) return;
    this.sweptAt = at;
    for (const [key, last] of this.told) if (at >= last && at - last >= this.repeatMs) this.told.delete(key);
  }
}
