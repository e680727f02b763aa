package org.dimba4j.serve;

import org.dimba4j.infer.CancellationToken;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One queued generation and what it produced. Fields are written by the worker thread and read by request threads,
 * hence volatile; listeners are told of every change and must not block (see {@link JobEvents}).
 */
public final class Job {

    /** Told of a job's changes, on the worker thread (or the canceller's, for a queued job). */
    public interface Listener {
        /** State, queue position, step or ETA changed. */
        default void onUpdate(Job job) {}

        /** PNGs decoded from the x0 estimate after {@code step}. */
        default void onPreview(Job job, int step, List<byte[]> pngs) {}
    }

    /** Which API submitted the job: A1111's interrupt only reaches its own jobs. */
    public enum Face { NATIVE, OPENAI, A1111 }

    private final String id;
    private final JobSpec spec;
    private final Face face;
    private final Instant created = Instant.now();
    private final CompletableFuture<Job> finished = new CompletableFuture<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private volatile JobState state = JobState.QUEUED;
    /** Set on cancel, client disconnect or shutdown; the pipeline checks it before each denoiser evaluation. */
    private final CancellationToken cancellation = new CancellationToken();
    private volatile int step;
    private volatile double stepSeconds; // mean of this job's steps so far
    private volatile Instant started, ended;
    private volatile List<byte[]> images = List.of();
    private volatile List<byte[]> preview = List.of();
    private volatile String error;
    private volatile int position; // 1-based while queued, 0 otherwise

    Job(String id, JobSpec spec, Face face) {
        this.id = id;
        this.spec = spec;
        this.face = face;
    }

    public String id() { return id; }

    public JobSpec spec() { return spec; }

    public Face face() { return face; }

    public JobState state() { return state; }

    public int step() { return step; }

    public Instant created() { return created; }

    public Instant started() { return started; }

    public Instant ended() { return ended; }

    /** The result PNGs (empty until done). */
    public List<byte[]> images() { return images; }

    /** The latest preview PNGs (empty before the first). */
    public List<byte[]> preview() { return preview; }

    public String error() { return error; }

    /** Bytes of the result PNGs held. */
    long imageBytes() {
        long n = 0;
        for (byte[] p : images) n += p.length;
        return n;
    }

    public int position() { return position; }

    public double stepSeconds() { return stepSeconds; }

    public boolean cancelRequested() { return cancellation.isCancelled(); }

    /** The token the generation of this job polls. */
    CancellationToken cancellation() { return cancellation; }

    /** Completes (never exceptionally) when the job reaches a terminal state. */
    public CompletableFuture<Job> finished() { return finished; }

    /** Adds a listener; returns the action that removes it. */
    public Runnable listen(Listener l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    void requestCancel() {
        cancellation.cancel();
    }

    void position(int p) {
        if (p == position) return;
        position = p;
        fire();
    }

    void start() {
        started = Instant.now();
        position = 0;
        state = JobState.RUNNING;
        fire();
    }

    void step(int s, double seconds) {
        stepSeconds = (stepSeconds * step + seconds) / s;
        step = s;
        fire();
    }

    void preview(int s, List<byte[]> pngs) {
        preview = pngs;
        for (Listener l : listeners) l.onPreview(this, s, pngs);
    }

    void done(List<byte[]> pngs) {
        images = List.copyOf(pngs);
        end(JobState.DONE, null);
    }

    void fail(String message) {
        end(JobState.FAILED, message);
    }

    void cancelled(String message) {
        end(JobState.CANCELLED, message);
    }

    private void end(JobState s, String message) {
        error = message;
        ended = Instant.now();
        position = 0;
        state = s;
        fire();
        listeners.clear();
        finished.complete(this);
    }

    private void fire() {
        for (Listener l : listeners) l.onUpdate(this);
    }
}
