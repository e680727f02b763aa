package org.dimba4j.serve;

import java.io.IOException;
import java.util.List;

/**
 * Carries a job's changes from the worker thread to one request thread that writes them out. The worker only sets
 * flags here and never waits on a client; a slow client sees the latest state and preview, not every step, so
 * what a subscriber holds stays one preview at most.
 */
final class JobEvents implements Job.Listener {

    /** Where the request thread writes; an IOException means the client left. */
    interface Sink {
        void update(Job job) throws IOException;

        void preview(Job job, int step, List<byte[]> pngs) throws IOException;

        void heartbeat() throws IOException;
    }

    private record Preview(int step, List<byte[]> pngs) {}

    private boolean dirty;
    private Preview pending;

    @Override
    public synchronized void onUpdate(Job job) {
        dirty = true;
        notifyAll();
    }

    @Override
    public synchronized void onPreview(Job job, int step, List<byte[]> pngs) {
        pending = new Preview(step, pngs);
        notifyAll();
    }

    /**
     * Writes the job's current state, then each change until it ends (the last update is terminal); a heartbeat
     * at least every {@code heartbeatMillis}.
     */
    static void pump(Job job, Sink sink, long heartbeatMillis) throws IOException, InterruptedException {
        JobEvents events = new JobEvents();
        Runnable stop = job.listen(events);
        try {
            JobState seen = job.state();
            sink.update(job);
            long lastBeat = System.nanoTime();
            while (!seen.terminal()) {
                boolean changed;
                Preview p;
                synchronized (events) {
                    if (!events.dirty && events.pending == null && !job.state().terminal()) events.wait(heartbeatMillis);
                    changed = events.dirty || job.state().terminal();
                    p = events.pending;
                    events.dirty = false;
                    events.pending = null;
                }
                if (p != null) sink.preview(job, p.step(), p.pngs());
                if (changed) {
                    seen = job.state();
                    sink.update(job);
                }
                // also while updates flow: a sink may write nothing for them, and only writes find a client gone
                long now = System.nanoTime();
                if (now - lastBeat >= heartbeatMillis * 1_000_000L) {
                    sink.heartbeat();
                    lastBeat = now;
                }
            }
        } finally {
            stop.run();
        }
    }
}
