import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Another process holding the SQLite write lock, as `counts repair`, `privacy run` or a second server would. */
export interface WriteLockHolder {
  /** Resolves when the holder has committed and exited. */
  released: Promise<void>;
  kill(): void;
}

/**
 * Takes the write lock with a better-sqlite3 connection of another process (BEGIN IMMEDIATE and a
 * write), holds it for `ms` and commits. Resolves once the lock is held.
 */
export function holdWriteLock(path: string, ms: number): Promise<WriteLockHolder> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare('UPDATE letters SET updated_at = updated_at + 1').run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec('COMMIT');
    db.close();
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, path, String(ms)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').then(() => undefined);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve({ released: exited, kill: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before locking`)));
  });
}
