package org.dimba4j.serve;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's Images API, as far as a diffusion model can answer it, so that OpenAI clients (openai-java, Spring AI,
 * LangChain4j) work pointed at this server's base URL {@code http://HOST:PORT/v1}:
 * <ul>
 *   <li>{@code POST /v1/images/generations}: {@code prompt}, {@code n}, {@code size} "WxH" or "auto",
 *       {@code response_format} "b64_json" (the default here: "url" is refused, as the server keeps no files),
 *       {@code output_format} "png"; extra fields {@code seed}, {@code steps}, {@code guidance}, {@code sampler},
 *       {@code negative_prompt}. Other OpenAI fields ({@code model}, {@code quality}, {@code user}, ...) are
 *       accepted and ignored.</li>
 *   <li>{@code stream: true}: SSE events {@code image_generation.partial_image} ({@code partial_images} of them,
 *       0-3, previews spread over the steps) and {@code image_generation.completed}, one per image, in OpenAI's
 *       shapes; usage counts are 0 (the server does not bill tokens).</li>
 *   <li>{@code GET /v1/models}: the loaded model.</li>
 * </ul>
 */
final class OpenAiApi {
    private final ServerContext server;

    OpenAiApi(ServerContext server) {
        this.server = server;
    }

    void register(RoutesConfig r) {
        r.post("/v1/images/generations", this::generate);
        r.get("/v1/models", ctx -> Json.send(ctx, Map.of("object", "list", "data", List.of(model()))));
        r.get("/v1/models/{id}", ctx -> {
            if (!ctx.pathParam("id").equals(server.model().modelName())) {
                throw new BadRequestException(404, "model", "no model '" + ctx.pathParam("id") + "'; this server has '"
                        + server.model().modelName() + "'");
            }
            Json.send(ctx, model());
        });
    }

    private Map<String, Object> model() {
        return Map.of("id", server.model().modelName(), "object", "model", "created", 0, "owned_by", "dimba4j");
    }

    private void generate(Context ctx) throws IOException, InterruptedException {
        JsonBody b = JsonBody.parse(ctx.body());
        String format = b.string("response_format", "b64_json");
        if (!format.equals("b64_json")) {
            throw new BadRequestException("response_format", "response_format '" + format
                    + "' is not supported; use \"b64_json\" (this server keeps no image files to link to)");
        }
        String output = b.string("output_format", "png");
        if (!output.equals("png")) {
            throw new BadRequestException("output_format", "output_format '" + output + "' is not supported; use \"png\"");
        }
        boolean stream = b.bool("stream", false);
        int partials = b.integer("partial_images", 0);
        if (partials < 0 || partials > 3) {
            throw new BadRequestException("partial_images", "partial_images must be 0..3, got " + partials);
        }
        int[] size = b.size("size");
        ImageGenerator m = server.model();
        int steps = b.integer("steps", SpecDefaults.STEPS);
        int previewEvery = stream && partials > 0 ? Math.max(1, steps / (partials + 1)) : 0;
        JobSpec spec = new JobSpec(b.requiredString("prompt"), b.string("negative_prompt", ""),
                size != null ? size[0] : m.defaultSize(), size != null ? size[1] : m.defaultSize(), steps,
                b.number("guidance", SpecDefaults.GUIDANCE), Samplers.parse("sampler", b.string("sampler", null)),
                SpecDefaults.seedOr(b.seed("seed")), b.integer("n", 1), previewEvery);
        Job job = server.submit(spec, Job.Face.OPENAI);
        if (stream) {
            stream(ctx, job, partials);
            return;
        }
        server.await(ctx, job);
        if (job.state() != JobState.DONE) {
            ApiError.send(ctx, 500, "server_error", null, "job " + job.id() + " " + job.state().json() + ": " + job.error());
            return;
        }
        Map<String, Object> res = envelope(job);
        List<Map<String, Object>> data = new ArrayList<>();
        for (byte[] png : job.images()) data.add(Map.of("b64_json", Base64.getEncoder().encodeToString(png)));
        res.put("data", data);
        res.put("usage", usage());
        Json.send(ctx, res);
    }

    /** SSE in OpenAI's image streaming shapes; a client that leaves cancels the job. */
    private void stream(Context ctx, Job job, int partials) throws IOException, InterruptedException {
        SseStream sse = new SseStream(ctx);
        int[] sent = {0};
        try {
            JobEvents.pump(job, new JobEvents.Sink() {
                @Override
                public void update(Job j) throws IOException {
                    if (!j.state().terminal()) return;
                    if (j.state() != JobState.DONE) {
                        sse.event("error", Map.of("type", "error", "error", Map.of("message", "job " + j.id() + " "
                                + j.state().json() + ": " + j.error(), "type", "server_error")));
                        return;
                    }
                    for (byte[] png : j.images()) {
                        Map<String, Object> e = event("image_generation.completed", j, png);
                        e.put("usage", usage());
                        sse.event("image_generation.completed", e);
                    }
                }

                @Override
                public void preview(Job j, int step, List<byte[]> pngs) throws IOException {
                    if (sent[0] >= partials) return;
                    Map<String, Object> e = event("image_generation.partial_image", j, pngs.getFirst());
                    e.put("partial_image_index", sent[0]++);
                    sse.event("image_generation.partial_image", e);
                }

                @Override
                public void heartbeat() throws IOException {
                    sse.heartbeat();
                }
            }, server.heartbeatMillis());
        } catch (IOException gone) {
            server.queue().cancel(job);
        }
    }

    private Map<String, Object> event(String type, Job job, byte[] png) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("b64_json", Base64.getEncoder().encodeToString(png));
        e.put("created_at", Instant.now().getEpochSecond());
        e.put("size", job.spec().size());
        e.put("quality", "auto");
        e.put("background", "opaque");
        e.put("output_format", "png");
        return e;
    }

    private static Map<String, Object> envelope(Job job) {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("created", job.created().getEpochSecond());
        res.put("background", "opaque");
        res.put("output_format", "png");
        res.put("quality", "auto");
        res.put("size", job.spec().size());
        return res;
    }

    private static Map<String, Object> usage() {
        return Map.of("total_tokens", 0, "input_tokens", 0, "output_tokens", 0,
                "input_tokens_details", Map.of("text_tokens", 0, "image_tokens", 0));
    }
}
