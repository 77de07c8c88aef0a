#!/usr/bin/env python3
"""Splits a CPU profile into the categories of docs/benchmarks.md's tables.

Input: the text of `perf script -F comm,tid,ip,sym` (a `perf record -g -a` of a benchmark phase,
with the JVMs' perf maps written by `jcmd <pid> Compiler.perfmap`). Each sample goes to the first
rule, walking its stack from the leaf to the root, whose pattern matches a frame; threads of the
JIT, the collector, RocksDB's background jobs and kernel workers go by thread name. With the
phase's CPU microseconds per operation (the benchmark's `cpu us/op` column) it also prints each
category's share of that.

Usage: perf-categories.py profile.txt [cpu-us-per-op]
"""
import collections
import re
import sys

RULES = [
    ("fsync of the WAL", r"SyncWAL|syncWal|SyncWalImpl|FlushWAL|fdatasync|do_fsync|iowrite16|jbd2|blk_"),
    ("memtable insert", r"MemTable::Add|InlineSkipList.*(Insert|FindSplice|RecomputeSplice)"),
    ("memtable lookup", r"MemTable::Get|InlineSkipList.*FindGreaterOrEqual"),
    ("WAL append", r"log::Writer|WritableFileWriter|ext4_buffered_write|ext4_file_write"),
    ("RocksDB read, table files", r"DBImpl::Get|rocksdb::Version::Get|BlockBasedTable|LRUHandle|RocksDB_get"),
    ("RocksDB write, the rest", r"DBImpl::WriteImpl|WriteBatch|RocksDB_write0|RocksDB\.write0"),
    ("cache of recent sets", r"RecentSets"),
    ("version sets: codec, merge, digest", r"VersionSetCodec|VersionSet\.|VersionVector|Sibling|KnownActors|SegmentDigest"),
    ("frame codec", r"FrameCodec|FrameDecoder|FrameEncoder|FrameBurst|ByteWriter|ByteReader|WireBytes"),
    ("thread wake-ups and waits", r"futex|Parker::|Unsafe_Park|Unsafe_Unpark|LockSupport|ObjectMonitor|pthread_cond"),
    ("socket writes", r"tcp_sendmsg|sock_write|__x64_sys_write|writev|do_writev|ksys_write"),
    ("socket reads, epoll", r"tcp_recvmsg|sock_read|ksys_read|epoll|readv"),
    ("futures, quorum, coordinator", r"CompletableFuture|Quorum\.|Coordinator|Update\.|ConcurrentHashMap"),
    ("Netty, the rest", r"io\.netty"),
]
BY_THREAD = [
    ("JIT compiler, collector", r"^(C1 Compiler|C2 Compiler|GC Thread|G1 |VM Thread)"),
    ("RocksDB flushes and compactions", r"^rocksdb:"),
    ("kernel workers", r"^(kworker|kdamond|ksoftirq)"),
]


def main():
    rules = [(name, re.compile(p)) for name, p in RULES]
    threads = [(name, re.compile(p)) for name, p in BY_THREAD]
    counts, busy, idle = collections.Counter(), 0, 0
    comm, frames = None, []

    def flush():
        nonlocal busy, idle
        if comm is None:
            return
        if comm == "swapper":
            idle += 1
            return
        busy += 1
        category = next((n for n, r in threads if r.search(comm)), None)
        if category is None:
            category = next((n for f in frames for n, r in rules if r.search(f)), "the rest (Java, JVM, kernel)")
        counts[category] += 1

    with open(sys.argv[1], errors="replace") as profile:
        for line in profile:
            if not line.strip():
                flush()
                comm, frames = None, []
            elif line[0] not in "\t ":
                header = re.match(r"^(.*?)\s+\d+\s*$", line.rstrip())
                comm, frames = (header.group(1).strip() if header else line.split()[0]), []
            else:
                parts = line.strip().split(None, 1)
                frames.append(parts[1] if len(parts) > 1 else "")
    flush()
    us = float(sys.argv[2]) if len(sys.argv) > 2 else None
    print(f"{busy} busy samples, {idle} idle")
    for name, n in counts.most_common():
        print(f"{100 * n / busy:5.1f}%  {name}" + (f"  {us * n / busy:5.1f} us/op" if us else ""))


if __name__ == "__main__":
    main()
