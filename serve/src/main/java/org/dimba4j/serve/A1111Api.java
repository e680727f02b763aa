package org.dimba4j.serve;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of the AUTOMATIC1111 web UI's API that txt2img clients use:
 * <ul>
 *   <li>{@code POST /sdapi/v1/txt2img}: {@code prompt}, {@code negative_prompt}, {@code width}, {@code height},
 *       {@code steps}, {@code cfg_scale}, {@code sampler_name} (or {@code sampler_index}), {@code seed} (-1:
 *       random), {@code batch_size}; {@code n_iter} must be 1. Answers {@code images} (base64 PNGs),
 *       {@code parameters} (the request) and {@code info} (a JSON string with the seed and infotexts).</li>
 *   <li>{@code GET /sdapi/v1/progress}: the running A1111 job (progress 0..1, ETA, step, current preview).</li>
 *   <li>{@code POST /sdapi/v1/interrupt}: stops the running job if an A1111 client submitted it (the web UI is
 *       single-user; here other clients' jobs are left alone).</li>
 *   <li>{@code GET /sdapi/v1/samplers}, {@code GET /sdapi/v1/sd-models}.</li>
 * </ul>
 * Batch images share one seed: their noise is one tensor [batch_size, 4, h, w] from it, as {@code dimba generate
 * --batch} draws it (A1111 seeds image i with seed + i instead).
 */
final class A1111Api {
    private final ServerContext server;

    A1111Api(ServerContext server) {
        this.server = server;
    }

    void register(RoutesConfig r) {
        r.post("/sdapi/v1/txt2img", this::txt2img);
        r.get("/sdapi/v1/progress", this::progress);
        r.post("/sdapi/v1/interrupt", ctx -> {
            running().ifPresent(j -> server.queue().cancel(j));
            Json.send(ctx, Map.of());
        });
        r.get("/sdapi/v1/samplers", ctx -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Samplers.Entry e : Samplers.ALL) out.add(Map.of("name", e.name(), "aliases", e.aliases(), "options", Map.of()));
            Json.send(ctx, out);
        });
        r.get("/sdapi/v1/sd-models", ctx -> {
            String name = server.model().modelName();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("title", name);
            m.put("model_name", name);
            m.put("hash", null);
            m.put("sha256", null);
            m.put("filename", name);
            m.put("config", null);
            Json.send(ctx, List.of(m));
        });
    }

    private Optional<Job> running() {
        return server.queue().running().filter(j -> j.face() == Job.Face.A1111);
    }

    private void txt2img(Context ctx) throws InterruptedException {
        JsonBody b = JsonBody.parse(ctx.body());
        ImageGenerator m = server.model();
        if (b.integer("n_iter", 1) != 1) {
            throw new BadRequestException("n_iter", "n_iter must be 1 here; ask for several images with batch_size");
        }
        String sampler = b.has("sampler_name") ? b.string("sampler_name", null) : b.string("sampler_index", null);
        JobSpec spec = new JobSpec(b.requiredString("prompt"), b.string("negative_prompt", ""),
                b.integer("width", m.defaultSize()), b.integer("height", m.defaultSize()),
                b.integer("steps", SpecDefaults.STEPS), b.number("cfg_scale", SpecDefaults.GUIDANCE),
                Samplers.parse(b.has("sampler_name") ? "sampler_name" : "sampler_index", sampler),
                SpecDefaults.seedOr(b.seed("seed")), b.integer("batch_size", 1), 0);
        Job job = server.submit(spec, Job.Face.A1111);
        server.await(ctx, job);
        if (job.state() == JobState.FAILED) {
            ApiError.send(ctx, 500, "server_error", null, "job " + job.id() + " failed: " + job.error());
            return;
        }
        String infotext = JobParameters.of(spec, m.modelName()).toText();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("prompt", spec.prompt());
        info.put("all_prompts", Collections.nCopies(spec.n(), spec.prompt()));
        info.put("negative_prompt", spec.negativePrompt());
        info.put("seed", spec.seed());
        info.put("all_seeds", Collections.nCopies(spec.n(), spec.seed()));
        info.put("width", spec.width());
        info.put("height", spec.height());
        info.put("sampler_name", spec.sampler().cliName());
        info.put("cfg_scale", spec.guidance());
        info.put("steps", spec.steps());
        info.put("batch_size", spec.n());
        info.put("sd_model_name", m.modelName());
        info.put("interrupted", job.state() == JobState.CANCELLED);
        info.put("infotexts", Collections.nCopies(job.images().size(), infotext));
        List<String> images = new ArrayList<>();
        for (byte[] png : job.images()) images.add(Base64.getEncoder().encodeToString(png));
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("images", images);
        res.put("parameters", b.node());
        res.put("info", Json.write(info));
        Json.send(ctx, res);
    }

    private void progress(Context ctx) {
        Optional<Job> job = running();
        boolean skipImage = "true".equalsIgnoreCase(ctx.queryParam("skip_current_image"));
        Map<String, Object> state = new LinkedHashMap<>();
        Map<String, Object> res = new LinkedHashMap<>();
        long a1111Waiting = server.queue().waitingCount();
        state.put("skipped", false);
        state.put("interrupted", job.map(Job::cancelRequested).orElse(false));
        state.put("job", job.map(j -> "txt2img " + j.id()).orElse(""));
        state.put("job_count", job.isPresent() ? 1 + a1111Waiting : 0);
        state.put("job_timestamp", job.map(j -> j.created().toString()).orElse("0"));
        state.put("job_no", 0);
        state.put("sampling_step", job.map(Job::step).orElse(0));
        state.put("sampling_steps", job.map(j -> j.spec().steps()).orElse(0));
        double progress = job.map(j -> j.step() / (double) j.spec().steps()).orElse(0.0);
        double eta = job.map(j -> server.queue().etaSeconds(j)).orElse(0.0);
        res.put("progress", progress);
        res.put("eta_relative", Double.isFinite(eta) ? eta : 0.0);
        res.put("state", state);
        List<byte[]> preview = job.map(Job::preview).orElse(List.of());
        res.put("current_image", skipImage || preview.isEmpty() ? null : Base64.getEncoder().encodeToString(preview.getFirst()));
        res.put("textinfo", null);
        Json.send(ctx, res);
    }
}
