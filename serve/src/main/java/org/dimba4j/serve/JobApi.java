package org.dimba4j.serve;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The native job API: submit, poll, stream progress with previews, cancel, and what the server accepts.
 * <pre>
 * POST /api/jobs                  {"prompt", "negative_prompt", "width", "height" | "size": "WxH", "steps",
 *                                  "guidance", "sampler", "seed", "n", "preview_every"} -> 202 {"id", ...}
 * GET  /api/jobs/{id}             state, queue position, step, ETA, settings, image URLs
 * GET  /api/jobs/{id}/images/{i}  image/png with the parameters chunk
 * GET  /api/jobs/{id}/events      SSE: "progress" (the job), "preview" ({step, images: [base64 PNG]}),
 *                                  then one of "done", "failed", "cancelled" (the job), and the stream ends
 * POST /api/jobs/{id}/cancel      -> the job (cancelled, or already ended)
 * GET  /api/capabilities          limits, samplers, model, queue
 * </pre>
 */
final class JobApi {
    private final ServerContext server;

    JobApi(ServerContext server) {
        this.server = server;
    }

    void register(RoutesConfig r) {
        r.post("/api/jobs", this::submit);
        r.get("/api/jobs/{id}", ctx -> Json.send(ctx, view(job(ctx))));
        r.get("/api/jobs/{id}/images/{index}", this::image);
        r.get("/api/jobs/{id}/events", this::events);
        r.post("/api/jobs/{id}/cancel", ctx -> {
            Job job = job(ctx);
            server.queue().cancel(job);
            Json.send(ctx, view(job));
        });
        r.get("/api/capabilities", ctx -> Json.send(ctx, server.capabilities()));
    }

    private void submit(Context ctx) {
        JobSpec spec = SpecDefaults.fromNative(JsonBody.parse(ctx.body()), server.model());
        Job job = server.submit(spec, Job.Face.NATIVE);
        ctx.status(202).header("Location", "/api/jobs/" + job.id());
        Json.send(ctx, view(job));
    }

    private Job job(Context ctx) {
        String id = ctx.pathParam("id");
        return server.queue().find(id).orElseThrow(() -> new BadRequestException(404, "id",
                "no job '" + id + "' (finished jobs are kept for the last " + JobQueue.KEEP_FINISHED + ")"));
    }

    private void image(Context ctx) {
        Job job = job(ctx);
        List<byte[]> images = job.images();
        int i;
        try {
            i = Integer.parseInt(ctx.pathParam("index"));
        } catch (NumberFormatException e) {
            throw new BadRequestException("index", "image index must be an integer, got '" + ctx.pathParam("index") + "'");
        }
        if (i < 0 || i >= images.size()) {
            throw new BadRequestException(404, "index", "job " + job.id() + " (" + job.state().json() + ") has "
                    + images.size() + " image(s), no index " + i);
        }
        ctx.contentType("image/png").result(images.get(i));
    }

    private void events(Context ctx) throws IOException, InterruptedException {
        Job job = job(ctx);
        SseStream sse = new SseStream(ctx);
        try {
            JobEvents.pump(job, new JobEvents.Sink() {
                @Override
                public void update(Job j) throws IOException {
                    sse.event(j.state().terminal() ? j.state().json() : "progress", view(j));
                }

                @Override
                public void preview(Job j, int step, List<byte[]> pngs) throws IOException {
                    sse.event("preview", Map.of("id", j.id(), "step", step, "images", base64(pngs)));
                }

                @Override
                public void heartbeat() throws IOException {
                    sse.heartbeat();
                }
            }, server.heartbeatMillis());
        } catch (IOException gone) {
            // the watcher left; the job is not theirs to cancel (POST /cancel is), so it runs on
        }
    }

    static List<String> base64(List<byte[]> pngs) {
        List<String> out = new ArrayList<>(pngs.size());
        for (byte[] p : pngs) out.add(Base64.getEncoder().encodeToString(p));
        return out;
    }

    /** A job as JSON: the same object from GET, the SSE events and cancel. */
    Map<String, Object> view(Job job) {
        JobSpec s = job.spec();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", job.id());
        v.put("state", job.state().json());
        v.put("position", job.state() == JobState.QUEUED ? job.position() : null);
        v.put("step", job.step());
        v.put("steps", s.steps());
        double eta = server.queue().etaSeconds(job);
        v.put("eta_seconds", Double.isFinite(eta) ? Math.round(eta * 10) / 10.0 : null);
        v.put("created", job.created().toString());
        v.put("started", job.started() == null ? null : job.started().toString());
        v.put("finished", job.ended() == null ? null : job.ended().toString());
        v.put("error", job.error());
        v.put("settings", settings(s));
        v.put("parameters", JobParameters.of(s, server.model().modelName()).toText());
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < job.images().size(); i++) urls.add("/api/jobs/" + job.id() + "/images/" + i);
        v.put("images", urls);
        return v;
    }

    static Map<String, Object> settings(JobSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", s.prompt());
        m.put("negative_prompt", s.negativePrompt());
        m.put("width", s.width());
        m.put("height", s.height());
        m.put("steps", s.steps());
        m.put("guidance", s.guidance());
        m.put("sampler", s.sampler().cliName());
        m.put("seed", s.seed());
        m.put("n", s.n());
        return m;
    }
}
