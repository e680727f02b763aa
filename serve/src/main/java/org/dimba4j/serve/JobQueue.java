package org.dimba4j.serve;

import org.dimba4j.infer.CancellationToken;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * One bounded queue and one worker thread per device: jobs run one at a time, in order, on the single loaded model
 * (which is not shared between threads), while any number of request threads submit, watch and cancel. A full
 * queue refuses at once ({@link QueueFullException}) instead of letting latency grow without bound; finished jobs
 * are kept for a while so clients can fetch results, the oldest forgotten first, so memory stays bounded.
 */
public final class JobQueue implements AutoCloseable {
    /** Finished jobs (with their PNGs) kept for GET /api/jobs/{id}. */
    static final int KEEP_FINISHED = 64;
    /** ... and at most this many bytes of their PNGs (64 jobs of four 1024-px images would be ~800 MB). */
    static final long KEEP_BYTES = 256L << 20;
    private static final System.Logger LOG = System.getLogger("org.dimba4j.serve");

    private final ImageGenerator generator;
    private final int capacity;
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Thread worker;
    private Job running;
    private boolean closed;
    /** Seconds per step per megapixel, from finished jobs (whole wall time, so encode and decode are included). */
    private double secondsPerStepMpx = Double.NaN;
    private long completed;

    public JobQueue(ImageGenerator generator, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("--queue must be at least 1, got " + capacity);
        this.generator = generator;
        this.capacity = capacity;
        this.worker = Thread.ofPlatform().name("dimba-worker").daemon().unstarted(this::work);
        worker.start();
    }

    public ImageGenerator generator() {
        return generator;
    }

    public int capacity() {
        return capacity;
    }

    /** Queues a checked spec; throws {@link QueueFullException} when {@code capacity} jobs already wait. */
    public synchronized Job submit(JobSpec spec, Job.Face face) {
        if (closed) throw new IllegalStateException("the server is shutting down");
        if (waiting.size() >= capacity) {
            throw new QueueFullException(capacity, Math.max(1, Math.round(Math.ceil(backlogSeconds()))));
        }
        byte[] b = new byte[8];
        random.nextBytes(b);
        Job job = new Job(HexFormat.of().formatHex(b), spec, face);
        jobs.put(job.id(), job);
        waiting.addLast(job);
        job.position(waiting.size());
        notifyAll();
        return job;
    }

    public synchronized Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** The job on the device now, if any. */
    public synchronized Optional<Job> running() {
        return Optional.ofNullable(running);
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }

    public synchronized long completedCount() {
        return completed;
    }

    /** Jobs held (waiting, running and finished): at most capacity + 1 + {@link #KEEP_FINISHED}. */
    public synchronized int retainedCount() {
        return jobs.size();
    }

    /**
     * Cancels a job: a queued one ends at once, a running one at its next step. Returns false when it had already
     * ended.
     */
    public boolean cancel(Job job) {
        synchronized (this) {
            if (job.state().terminal()) return false;
            job.requestCancel();
            if (!waiting.remove(job)) return true; // running: the worker ends it
            renumber();
            retire(job);
        }
        job.cancelled("cancelled while queued");
        return true;
    }

    /** Estimated seconds until {@code job} is done; NaN before the first job has been timed. */
    public synchronized double etaSeconds(Job job) {
        if (job.state().terminal()) return 0;
        double ahead = running == null || running == job ? 0 : remainingSeconds(running);
        for (Job w : waiting) {
            if (w == job) break;
            ahead += remainingSeconds(w);
        }
        return ahead + remainingSeconds(job);
    }

    private double remainingSeconds(Job j) {
        JobSpec s = j.spec();
        int left = s.steps() - j.step();
        if (j.step() > 0 && j.stepSeconds() > 0) return left * j.stepSeconds();
        return left * secondsPerStepMpx * s.pixels() / 1e6;
    }

    private double backlogSeconds() {
        double total = running == null ? 0 : remainingSeconds(running);
        for (Job w : waiting) total += remainingSeconds(w);
        return Double.isNaN(total) ? waiting.size() : total;
    }

    private void renumber() {
        int p = 1;
        for (Job w : waiting) w.position(p++);
    }

    /**
     * Keeps at most {@link #KEEP_FINISHED} finished jobs holding at most {@link #KEEP_BYTES} of PNGs, forgetting
     * the oldest first (a client still waiting on one holds its own reference).
     */
    private void retire(Job job) {
        int finished = 0;
        long bytes = 0;
        for (Job j : jobs.values()) {
            if (j.state().terminal() || j == job) {
                finished++;
                bytes += j.imageBytes();
            }
        }
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext() && (finished > KEEP_FINISHED || bytes > KEEP_BYTES); ) {
            Job j = it.next();
            if (j != job && j.state().terminal()) {
                it.remove();
                finished--;
                bytes -= j.imageBytes();
            }
        }
    }

    private void work() {
        while (true) {
            Job job;
            synchronized (this) {
                while (waiting.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                job = waiting.removeFirst();
                running = job;
                renumber();
            }
            run(job);
            synchronized (this) {
                running = null;
                completed++;
                retire(job);
            }
        }
    }

    private void run(Job job) {
        JobSpec spec = job.spec();
        job.start();
        long t0 = System.nanoTime();
        try {
            List<byte[]> pngs = generator.generate(spec, new ImageGenerator.Progress() {
                @Override
                public void onStep(int step, int steps, double seconds) {
                    job.step(step, seconds);
                }

                @Override
                public void onPreview(int step, List<byte[]> previews) {
                    job.preview(step, previews);
                }

                @Override
                public CancellationToken cancellation() {
                    return job.cancellation();
                }
            });
            synchronized (this) {
                double mpx = spec.pixels() / 1e6;
                double rate = (System.nanoTime() - t0) / 1e9 / spec.steps() / mpx;
                secondsPerStepMpx = Double.isNaN(secondsPerStepMpx) ? rate : 0.7 * secondsPerStepMpx + 0.3 * rate;
            }
            job.done(new ArrayList<>(pngs));
        } catch (CancellationException e) {
            job.cancelled(e.getMessage());
        } catch (OutOfMemoryError e) {
            job.fail("out of memory generating " + spec.n() + " image(s) of " + spec.size()
                    + ": ask for a smaller size or n, or start the server with a larger -Xmx (DIMBA_JAVA_OPTS)");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "job " + job.id() + " failed", e);
            job.fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Stops the worker after the running job; queued jobs end cancelled. */
    @Override
    public void close() {
        List<Job> dropped;
        synchronized (this) {
            closed = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            if (running != null) running.requestCancel();
            notifyAll();
        }
        for (Job j : dropped) j.cancelled("the server shut down");
        try {
            worker.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
