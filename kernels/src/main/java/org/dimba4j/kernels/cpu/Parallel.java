package org.dimba4j.kernels.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one thread pool of the CPU kernels. Work is split into a few coarse tasks (about one per core), so the
 * fork/join overhead stays far below the work of a kernel; tiny problems run on the caller's thread.
 * {@code -Ddimba.threads=N} overrides the core count.
 */
final class Parallel {
    static final int THREADS = Math.max(1, Integer.getInteger("dimba.threads", Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = THREADS == 1 ? null : new ForkJoinPool(THREADS, pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("dimba4j-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    private Parallel() {}

    /** Runs body(0..tasks-1), in parallel when {@code parallel} and there is more than one task. */
    static void forEach(int tasks, boolean parallel, IntConsumer body) {
        if (tasks <= 1 || !parallel || POOL == null) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == POOL) {
            // already inside a kernel task (nested call): stay on this thread, the pool is busy anyway
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        ForkJoinTask<?>[] fs = new ForkJoinTask<?>[tasks - 1];
        for (int i = 1; i < tasks; i++) {
            int t = i;
            fs[i - 1] = POOL.submit(() -> body.accept(t));
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

    /** Splits [0, n) into at most THREADS contiguous chunks (multiples of {@code grain}) when work is large. */
    static void forRange(int n, int grain, long work, RangeBody body) {
        int chunks = work < 200_000 ? 1 : Math.min(THREADS, Math.max(1, (n + grain - 1) / grain));
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

    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }
}
