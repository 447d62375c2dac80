/**
 * @module One process at a time on an embedded (PGlite) data folder. PGlite runs PostgreSQL inside
 * the process that opened it, with no shared memory or locking between processes: a second process
 * on the same folder (the CLI while the server runs, a second server) writes pages the first one
 * does not know about, and one of them loses its rows at the next start. So the folder is locked.
 *
 * The lock is a file beside the folder (`<folder>.lock`) holding the holder's pid, host and boot, made
 * with an atomic hard link so that exactly one process creates it. A lock whose holder is gone (that
 * pid is not running on this host, or the machine has rebooted since) is stale and taken over; the
 * take-over itself is guarded by a second atomic step (a `.breaking` directory) so that two processes
 * finding the same stale lock cannot both win. A lock held on another host is never broken: the
 * message says which, and the operator decides.
 */
import { randomUUID } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Linux's boot id, when readable: a pid from before a reboot is not the same process. */
  boot?: string;
  startedAt: string;
  /** The holder's command line, for the message (`thuphi serve`, `thuphi recon run` …). */
  command: string;
  /** Unique to this acquisition, so release removes only our own lock. */
  token: string;
}

/** The folder is in use by another live process. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    const what = `${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
    const sameHost = holder.host === hostname();
    super(
      [
        `Cơ sở dữ liệu nhúng ${dataDir} đang được dùng bởi tiến trình ${holder.pid}: dừng tiến trình đó trước, hoặc dùng API HTTP của máy chủ đang chạy.`,
        `The embedded database ${dataDir} is in use by ${what}.`,
        'PGlite allows one process at a time: stop that process first, or use the running server’s HTTP API (POST /v1/statements, POST /v1/reconciliations).',
        sameHost
          ? `The lock is ${lockFile}; it is released when that process ends.`
          : `The lock is ${lockFile}, held from another host; remove it only if you are sure no process there uses the folder.`,
      ].join('\n'),
    );
  }
}

export interface DataDirLock {
  lockFile: string;
  holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockFile: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Whether the lock's holder can no longer be using the folder. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  const boot = bootId();
  if (boot && holder.boot && boot !== holder.boot) return true;
  return !isRunning(holder.pid);
}

/** A take-over left behind by a process that died in it is older than this, and removed. */
const BREAKING_STALE_MS = 10_000;

/**
 * Removes the stale lock `seen` unless another process got there first; the caller then tries to
 * take the lock again either way.
 */
function breakStaleLock(lockFile: string, seen: LockHolder | 'unreadable'): void {
  const breaking = `${lockFile}.breaking`;
  try {
    mkdirSync(breaking);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(breaking).mtimeMs > BREAKING_STALE_MS) rmdirSync(breaking);
    } catch {
      // Someone else just finished breaking it.
    }
    return;
  }
  try {
    const now = readHolder(lockFile);
    const same =
      now === 'unreadable'
        ? seen === 'unreadable'
        : now !== 'missing' && seen !== 'unreadable' && now.token === seen.token;
    if (same) unlinkSync(lockFile);
  } finally {
    rmdirSync(breaking);
  }
}

/**
 * Takes the lock on `dataDir` for this process, or throws {@link DataDirLockedError} naming the
 * live holder. Released by `release()`, and in any case when the process exits.
 *
 * @example
 * const lock = lockDataDir('./.thuphi/pgdata');
 * try { … } finally { lock.release(); }
 */
export function lockDataDir(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const folder = resolve(dataDir);
  const lockFile = `${folder}.lock`;
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    ...(bootId() ? { boot: bootId() } : {}),
    startedAt: new Date().toISOString(),
    command,
    token: randomUUID(),
  };
  const draft = `${lockFile}.${process.pid}.${holder.token}`;
  writeFileSync(draft, `${JSON.stringify(holder)}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        // A hard link appears with its whole content at once, and fails if the name exists.
        linkSync(draft, lockFile);
        return ownedLock(lockFile, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHolder(lockFile);
      if (current === 'missing') continue;
      if (current !== 'unreadable' && !isStale(current))
        throw new DataDirLockedError(folder, lockFile, current);
      breakStaleLock(lockFile, current);
    }
    throw new Error(`could not take the lock ${lockFile}: it keeps changing hands`);
  } finally {
    rmSync(draft, { force: true });
  }
}

function ownedLock(lockFile: string, holder: LockHolder): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readHolder(lockFile);
    // Nobody breaks a live holder's lock, so it is still ours between the read and the unlink.
    if (current !== 'missing' && current !== 'unreadable' && current.token === holder.token) {
      rmSync(lockFile, { force: true });
    }
  };
  process.on('exit', release);
  return { lockFile, holder, release };
}
