package org.dimba4j.kernels.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The thread pools of the CPU kernels. Work is split into a few coarse tasks (about one per core), so the
 * fork/join overhead stays far below the work of a kernel; tiny problems run on the caller's thread.
 * {@code -Ddimba.threads=N} overrides the core count; {@link #withThreads} runs a computation on a pool of a given
 * size (tests use it to show that results do not depend on it: every reduction is chunked by sizes fixed by the
 * shapes, never by the thread count, and its chunks are added in a fixed order). {@link #withPool} runs a
 * computation on a pool its caller owns (an embedding application sizes and shuts down its own threads).
 */
final class Parallel {
    static final int THREADS = Math.max(1, Integer.getInteger("dimba.threads", Runtime.getRuntime().availableProcessors()));
    /** The pool size in force for the current thread's computation ({@link #withThreads}), else {@link #THREADS}. */
    private static final ScopedValue<Integer> SCOPED = ScopedValue.newInstance();
    private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();
    /** A caller's pool in force for the current thread's computation ({@link #withPool}); null: the shared pools. */
    private static final ScopedValue<ForkJoinPool> INJECTED = ScopedValue.newInstance();
    /** Bound inside a task submitted to an injected pool, whose threads are not {@link Worker}s: nested calls run inline. */
    private static final ScopedValue<Boolean> IN_TASK = ScopedValue.newInstance();

    private Parallel() {}

    /** The number of threads kernels split their work over here. */
    static int threads() {
        return SCOPED.orElse(THREADS);
    }

    /** Runs {@code body} with its kernels on a pool of {@code threads} threads (1: all on the calling thread). */
    static <T> T withThreads(int threads, Supplier<T> body) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        return ScopedValue.where(SCOPED, threads).where(INJECTED, null).call(body::get);
    }

    /** Runs {@code body} with its kernels on {@code pool} (split into its parallelism); the pool stays the caller's. */
    static <T> T withPool(ForkJoinPool pool, Supplier<T> body) {
        if (pool == null) throw new IllegalArgumentException("pool is null");
        return ScopedValue.where(SCOPED, pool.getParallelism()).where(INJECTED, pool).call(body::get);
    }

    /** A pool of {@code threads} kernel threads (daemons, named dimba4j-cpu-N-i) for {@link #withPool}. */
    static ForkJoinPool newPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        return new ForkJoinPool(threads, Worker::new, null, false);
    }

    private static ForkJoinPool pool(int threads) {
        ForkJoinPool injected = injected();
        if (injected != null) return injected;
        return threads == 1 ? null : POOLS.computeIfAbsent(threads, n -> new ForkJoinPool(n, Worker::new, null, false));
    }

    private static ForkJoinPool injected() {
        return INJECTED.isBound() ? INJECTED.get() : null; // withThreads binds null: the shared pools again
    }

    private static boolean nested() {
        return Thread.currentThread() instanceof Worker || IN_TASK.isBound();
    }

    /** A kernel pool's thread: a kernel called from one (a nested call) runs inline, the pool being busy anyway. */
    private static final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool pool) {
            super(null, pool, true);
            setDaemon(true);
        }

        @Override
        protected void onStart() {
            setName("dimba4j-cpu-" + getPool().getParallelism() + "-" + getPoolIndex());
        }
    }

    /** Runs body(0..tasks-1), in parallel when {@code parallel} and there is more than one task. */
    static void forEach(int tasks, boolean parallel, IntConsumer body) {
        ForkJoinPool pool = tasks <= 1 || !parallel || nested() ? null : pool(threads());
        if (pool == null) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        boolean injected = injected() != null;
        ForkJoinTask<?>[] fs = new ForkJoinTask<?>[tasks - 1];
        for (int i = 1; i < tasks; i++) {
            int t = i;
            Runnable task = () -> body.accept(t);
            fs[i - 1] = pool.submit(injected ? () -> ScopedValue.where(IN_TASK, Boolean.TRUE).run(task) : task);
        }
        Throwable failure = null;
        try {
            body.accept(0);
        } catch (Throwable e) {
            failure = e;
        }
        for (ForkJoinTask<?> f : fs) {
            try {
                f.join();
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }

    /** Splits [0, n) into at most {@link #threads} contiguous chunks (multiples of {@code grain}) when work is large. */
    static void forRange(int n, int grain, long work, RangeBody body) {
        int chunks = chunks(n, grain, work);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        int units = (n + grain - 1) / grain;
        forEach(chunks, true, c -> {
            int u0 = (int) ((long) units * c / chunks), u1 = (int) ((long) units * (c + 1) / chunks);
            int s = Math.min(n, u0 * grain), e = Math.min(n, u1 * grain);
            if (s < e) body.run(s, e);
        });
    }

    /** How many tasks {@link #forRange} splits [0, n) into. */
    static int chunks(int n, int grain, long work) {
        return work < 200_000 ? 1 : Math.min(threads(), Math.max(1, (n + grain - 1) / grain));
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }
}
