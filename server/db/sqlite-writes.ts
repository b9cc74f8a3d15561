import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import type { Tx } from './database.js';
import { databaseErrorCode } from './errors.js';

/**
 * How the writer connection runs transactions. SQLite's own busy handler waits for another
 * connection's write lock by sleeping the thread: in the server that is the event loop, so every
 * request (reads too) stood still while the outbox thread or a CLI job held the lock. The writer
 * asks for the lock without waiting and, while it is held elsewhere, waits here on timers.
 */
export class SqliteWriter {
  private readonly statements: Record<'noWait' | 'wait' | 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint', BetterSqlite3.Statement>;

  constructor(
    readonly connection: BetterSqlite3.Database,
    private readonly busyTimeoutMs: number,
  ) {
    const statement = (sql: string) => connection.prepare(sql);
    this.statements = {
      noWait: statement('PRAGMA busy_timeout = 0'),
      wait: statement(`PRAGMA busy_timeout = ${busyTimeoutMs}`),
      // IMMEDIATE takes the write lock now: a deferred transaction that read first and then found
      // another process writing would fail at once with SQLITE_BUSY instead of waiting its turn.
      begin: statement('BEGIN IMMEDIATE'),
      commit: statement('COMMIT'),
      rollback: statement('ROLLBACK'),
      savepoint: statement('SAVEPOINT grouped'),
      release: statement('RELEASE grouped'),
      rollbackToSavepoint: statement('ROLLBACK TO grouped'),
    };
  }

  /** When a write asked for now gives up waiting for a lock held elsewhere: busy_timeout from now. */
  deadline(): number {
    return Date.now() + this.busyTimeoutMs;
  }

  /**
   * BEGIN IMMEDIATE, waiting for a lock held elsewhere without blocking the thread, until
   * `giveUpAt`: busy_timeout from when the write was asked for, not from its turn, so writes
   * queued behind one that waited do not each wait the whole timeout again.
   */
  async begin(giveUpAt: number): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.tryBegin();
        return;
      } catch (error) {
        if (!isLockHeldElsewhere(error) || Date.now() >= giveUpAt) throw error;
      }
      await sleep(Math.min(LOCK_POLL_MS[attempt] ?? LONGEST_LOCK_POLL_MS, Math.max(giveUpAt - Date.now(), 1)));
    }
  }

  private tryBegin(): void {
    this.statements.noWait.run();
    try {
      this.statements.begin.run();
    } finally {
      // Statements inside the transaction (and everything else on this connection) keep waiting as configured.
      this.statements.wait.run();
    }
  }

  commit(): void {
    this.statements.commit.run();
  }

  /** Rolls back what is left of the transaction; SQLite may have rolled it back itself (a full disk). */
  rollback(): void {
    if (this.connection.inTransaction) this.statements.rollback.run();
  }

  /** Runs one piece of a shared transaction; its failure undoes that piece only. */
  async inSavepoint<T>(work: () => Promise<T>): Promise<T> {
    this.statements.savepoint.run();
    try {
      const result = await work();
      this.statements.release.run();
      return result;
    } catch (error) {
      if (this.connection.inTransaction) {
        this.statements.rollbackToSavepoint.run();
        this.statements.release.run();
      }
      throw error;
    }
  }

  /** One transaction: commits when the work resolves, rolls back when it throws. */
  async transaction<T>(work: () => Promise<T>, giveUpAt: number): Promise<T> {
    await this.begin(giveUpAt);
    try {
      const result = await work();
      this.commit();
      return result;
    } catch (error) {
      this.rollback();
      throw error;
    }
  }
}

/** The waits between tries for a lock held elsewhere: short at first (another thread's write lasts a millisecond or so). */
const LOCK_POLL_MS = [1, 1, 1, 2, 2, 2];
const LONGEST_LOCK_POLL_MS = 5;

const isLockHeldElsewhere = (error: unknown): boolean => /^SQLITE_BUSY(_|$)/.test(databaseErrorCode(error) ?? '');

/**
 * The gate of every Database this process opened on one file. Two connections of one thread must
 * never both be inside a transaction: the second would wait for a lock the first, waiting for the
 * same thread to run its next statement, could never give up. (Another thread or process waits harmlessly.)
 */
const gates = new Map<string, WriteGate>();

const nestedWrite = (): Error => new Error('a write transaction was started inside another; pass the transaction (tx) down instead');

export function gateFor(path: string): WriteGate {
  if (path === ':memory:') return new WriteGate(() => {});
  const key = resolve(path);
  let gate = gates.get(key);
  if (!gate) {
    const created = new WriteGate(() => gates.delete(key));
    gates.set(key, created);
    gate = created;
  }
  gate.users += 1;
  return gate;
}

/**
 * One write transaction at a time on the writer connection. A write started from inside another
 * would wait for itself for ever: it is refused at once instead (pass the transaction down).
 */
export class WriteGate {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<true>();
  users = 0;

  constructor(private readonly forget: () => void) {}

  /** One Database less on the file; the last one's leaving forgets the gate. */
  release(): void {
    this.users -= 1;
    if (this.users <= 0) this.forget();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.isInside()) return Promise.reject(nestedWrite());
    return this.queue(work);
  }

  /** Whether the caller runs inside a write of this gate. */
  isInside(): boolean {
    return this.inside.getStore() === true;
  }

  /** Queues work from inside a write without it counting as nested (a group queues the next group). */
  queueAfterThis<T>(work: () => Promise<T>): Promise<T> {
    return this.inside.exit(() => this.queue(work));
  }

  private queue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.inside.run(true, work));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once no write is queued, counting those queued while earlier ones ran (a group schedules the next). */
  async idle(): Promise<void> {
    for (let tail = this.tail; ; tail = this.tail) {
      await tail;
      if (tail === this.tail) return;
    }
  }
}

interface GroupedWrite {
  work: (tx: Tx) => Promise<unknown>;
  giveUpAt: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Enough to share one commit among a surge's arrivals, few enough that none waits long for the others. */
const LARGEST_GROUP = 64;

/**
 * Group commit: writes that arrive while the writer is busy share its next transaction, each in
 * a savepoint of its own, so one that fails is undone alone. Each is answered after the commit
 * that stored it. Under a surge most of a write's cost is the transaction around it (taking the
 * lock, writing the pages it touched to the log), and a group pays that once.
 */
export class GroupCommit {
  private waiting: GroupedWrite[] = [];
  private scheduled = false;

  constructor(
    private readonly gate: WriteGate,
    private readonly writer: SqliteWriter,
    private readonly tx: Tx,
  ) {}

  add<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.gate.isInside()) return Promise.reject(nestedWrite());
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, giveUpAt: this.writer.deadline(), resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    void this.gate.queueAfterThis(() => this.commitNextGroup());
  }

  /** Never rejects: every outcome goes to its own caller. */
  private async commitNextGroup(): Promise<void> {
    this.scheduled = false;
    const group = this.waiting.splice(0, LARGEST_GROUP);
    this.schedule();
    if (group.length === 0) return;
    if (group.length === 1) {
      const [only] = group as [GroupedWrite];
      return this.writer.transaction(() => only.work(this.tx), only.giveUpAt).then(only.resolve, only.reject);
    }
    try {
      await this.writer.begin(Math.min(...group.map((write) => write.giveUpAt)));
    } catch (error) {
      // Those whose wait is over are told so; the others wait on, first in line.
      const now = Date.now();
      const over = (write: GroupedWrite) => !isLockHeldElsewhere(error) || write.giveUpAt <= now;
      for (const write of group) if (over(write)) write.reject(error);
      this.waiting.unshift(...group.filter((write) => !over(write)));
      return this.schedule();
    }
    const outcomes: Array<{ value: unknown } | { error: unknown }> = [];
    try {
      for (const write of group) {
        try {
          outcomes.push({ value: await this.writer.inSavepoint(() => write.work(this.tx)) });
        } catch (error) {
          // SQLite ended the whole transaction (a full disk, an I/O error): nothing of the group stands.
          if (!this.writer.connection.inTransaction) throw error;
          outcomes.push({ error });
        }
      }
      this.writer.commit();
    } catch (error) {
      this.writer.rollback();
      for (const write of group) write.reject(error);
      return;
    }
    group.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if ('error' in outcome) write.reject(outcome.error);
      else write.resolve(outcome.value);
    });
  }
}
