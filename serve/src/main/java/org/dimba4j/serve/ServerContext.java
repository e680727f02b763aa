package org.dimba4j.serve;

import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the three faces share: the model, its queue, the limits, and how a blocking request waits for its job. */
final class ServerContext {
    /** How often a blocking request looks whether its client is still there. */
    private static final long WATCH_MILLIS = 100;

    private final JobQueue queue;
    private final Limits limits;
    private final long heartbeatMillis;

    ServerContext(JobQueue queue, Limits limits, long heartbeatMillis) {
        this.queue = queue;
        this.limits = limits;
        this.heartbeatMillis = heartbeatMillis;
    }

    JobQueue queue() {
        return queue;
    }

    ImageGenerator model() {
        return queue.generator();
    }

    Limits limits() {
        return limits;
    }

    long heartbeatMillis() {
        return heartbeatMillis;
    }

    /** Checks the limits, then queues: 400 or 429 before any work is done. */
    Job submit(JobSpec spec, Job.Face face) {
        limits.check(spec, model());
        return queue.submit(spec, face);
    }

    /**
     * Blocks until the job ends; a client that hangs up meanwhile cancels it (and this throws
     * {@link ClientGoneException}, so nothing is written to a closed connection).
     */
    Job await(Context ctx, Job job) throws InterruptedException {
        ClientWatch watch = new ClientWatch(ctx);
        while (true) {
            try {
                return job.finished().get(WATCH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (watch.gone()) {
                    queue.cancel(job);
                    throw new ClientGoneException(job);
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    Map<String, Object> capabilities() {
        ImageGenerator m = model();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", m.modelName());
        model.put("default_size", m.defaultSize());
        model.put("size_multiple", m.sizeMultiple());
        model.put("max_prompt_tokens", m.maxPromptTokens());
        Map<String, Object> lim = new LinkedHashMap<>();
        lim.put("max_size", limits.maxSide());
        lim.put("max_steps", limits.maxSteps());
        lim.put("max_images", limits.maxImages());
        lim.put("max_prompt_chars", limits.maxPromptChars());
        lim.put("memory_budget_bytes", limits.memoryBudget());
        List<Map<String, Object>> samplers = new ArrayList<>();
        for (Samplers.Entry e : Samplers.ALL) samplers.add(Map.of("name", e.name(), "aliases", e.aliases()));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("capacity", queue.capacity());
        q.put("waiting", queue.waitingCount());
        q.put("running", queue.running().map(Job::id).orElse(null));
        q.put("completed", queue.completedCount());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", model);
        c.put("limits", lim);
        c.put("samplers", samplers);
        c.put("defaults", Map.of("steps", SpecDefaults.STEPS, "guidance", SpecDefaults.GUIDANCE, "sampler", "dpm-solver",
                "width", m.defaultSize(), "height", m.defaultSize(), "n", 1));
        c.put("queue", q);
        c.put("apis", List.of("/api/jobs", "/v1/images/generations", "/v1/models", "/sdapi/v1/txt2img",
                "/sdapi/v1/progress", "/sdapi/v1/interrupt", "/sdapi/v1/samplers", "/sdapi/v1/sd-models"));
        return c;
    }
}
