package org.dimba4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 32 concurrent clients on loopback mixing the three APIs, with cancels, hang-ups, malformed JSON, absurd sizes and
 * huge prompts, against a queue small enough to overflow: every valid request ends with the CLI's PNG for its
 * seed (retrying after 429 as told by Retry-After), every invalid one gets a 4xx whose message names the problem,
 * the server holds a bounded number of jobs, and it still answers afterwards. Bounded: 3 minutes at most.
 */
class LoadAndFaultTest {
    static final int CLIENTS = 32, ROUNDS = 3, STEPS = 4;
    static final long[] SEEDS = {100, 101, 102};

    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger valid = new AtomicInteger(), invalid = new AtomicInteger(), retries429 = new AtomicInteger(),
            cancels = new AtomicInteger(), hangups = new AtomicInteger();
    TestServer s;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void thirtyTwoClientsMixingApisAndFaults() throws Exception {
        for (long seed : SEEDS) {
            for (int n = 1; n <= 2; n++) TestServer.cliPngs("load " + seed, "", seed, STEPS, 4.5, "dpm-solver", 64, n);
        }
        s = TestServer.start(new ServeOptions("127.0.0.1", 0, null, null, 8, TestServer.limits(), 200));
        try {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            CountDownLatch go = new CountDownLatch(1);
            long t0 = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                pool.submit(() -> {
                    try {
                        go.await();
                        for (int r = 0; r < ROUNDS; r++) scenario(client, r);
                    } catch (Throwable e) {
                        failures.add("client " + client + ": " + e);
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(180, TimeUnit.SECONDS), "clients did not finish in 3 minutes");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));

            // still answering, and a fresh request still gives the CLI's image
            assertEquals(200, s.get("/api/capabilities").statusCode());
            openAi(SEEDS[0], 1, false);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            int held = s.server.queue().retainedCount();
            assertTrue(held <= JobQueue.KEEP_FINISHED + 8 + 1, "the queue holds " + held + " jobs");

            List<Long> lat = new ArrayList<>(latenciesNanos);
            Collections.sort(lat);
            System.out.printf(Locale.ROOT, "[load] %d clients x %d rounds in %.1f s: %d valid generations (%.2f/s), %d invalid"
                            + " answered 4xx, %d cancels, %d hang-ups, %d retries after 429; latency p50 %.2f s, p95 %.2f s%n",
                    CLIENTS, ROUNDS, seconds, valid.get(), valid.get() / seconds, invalid.get(), cancels.get(), hangups.get(),
                    retries429.get(), lat.get(lat.size() / 2) / 1e9, lat.get((int) (lat.size() * 0.95)) / 1e9);
            assertTrue(valid.get() >= CLIENTS, "only " + valid.get() + " valid generations ran");
            assertTrue(invalid.get() >= CLIENTS / 2, "only " + invalid.get() + " invalid requests were sent");
        } finally {
            s.close();
        }
    }

    private void scenario(int client, int round) throws Exception {
        long seed = SEEDS[(client + round) % SEEDS.length];
        int n = 1 + (client / 8 + round) % 2;
        switch ((client + round * 5) % 10) {
            case 0, 1 -> nativeJob(seed, n);
            case 2, 3 -> openAi(seed, n, false);
            case 4 -> openAi(seed, 1, true);
            case 5 -> a1111(seed, n);
            case 6 -> cancelAJob(seed);
            case 7 -> hangUp(client % 2 == 0 ? "/v1/images/generations" : "/sdapi/v1/txt2img");
            case 8 -> malformed(client);
            default -> outOfLimits(client);
        }
    }

    // ---- valid requests: each must end with the CLI's PNG bytes

    private String body(long seed, int n, String extra) {
        return "{\"prompt\": \"load " + seed + "\", \"seed\": " + seed + ", \"steps\": " + STEPS + extra
                + (n > 1 ? ", \"n\": " + n : "") + "}";
    }

    private HttpResponse<String> postRetrying(String path, String body) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.base + path)).timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 429) return r;
            retries429.incrementAndGet();
            long after = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("429 without Retry-After")));
            Thread.sleep(Math.min(after, 1) * 250L); // sooner than told: the test wants the queue to stay full
        }
        throw new AssertionError(path + ": still 429 after 200 attempts");
    }

    private void expectCli(String what, long seed, int n, List<byte[]> got) {
        List<byte[]> cli = TestServer.cliPngs("load " + seed, "", seed, STEPS, 4.5, "dpm-solver", 64, n);
        if (got.size() != n) {
            failures.add(what + " seed " + seed + ": " + got.size() + " images, expected " + n);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!java.util.Arrays.equals(TestServer.pixels(cli.get(i)), TestServer.pixels(got.get(i)))) {
                failures.add(what + " seed " + seed + " image " + i + ": pixels differ from the CLI's");
            }
            if (!java.util.Arrays.equals(cli.get(i), got.get(i))) failures.add(what + " seed " + seed + " image " + i + ": PNG bytes differ");
        }
        valid.incrementAndGet();
    }

    private void nativeJob(long seed, int n) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = postRetrying("/api/jobs", body(seed, n, ", \"preview_every\": 2"));
        if (r.statusCode() != 202) { failures.add("native: " + r.statusCode() + " " + r.body()); return; }
        String id = JobApiTest.json(r).get("id").asText();
        String events = http.send(HttpRequest.newBuilder(URI.create(s.base + "/api/jobs/" + id + "/events")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!events.contains("event: done")) { failures.add("native " + id + ": no done event: " + tail(events)); return; }
        JsonNode job = JobApiTest.json(s.get("/api/jobs/" + id));
        List<byte[]> pngs = new ArrayList<>();
        for (JsonNode url : job.get("images")) pngs.add(s.getBytes(url.asText()).body());
        latenciesNanos.add(System.nanoTime() - t);
        expectCli("native", seed, n, pngs);
    }

    private void openAi(long seed, int n, boolean stream) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = postRetrying("/v1/images/generations",
                body(seed, n, ", \"size\": \"64x64\", \"response_format\": \"b64_json\"" + (stream ? ", \"stream\": true, \"partial_images\": 1" : "")));
        if (r.statusCode() != 200) { failures.add("openai: " + r.statusCode() + " " + r.body()); return; }
        List<byte[]> pngs = new ArrayList<>();
        if (stream) {
            for (String line : r.body().split("\n")) {
                if (line.startsWith("data: {\"type\":\"image_generation.completed\"")) {
                    pngs.add(Base64.getDecoder().decode(JsonBody.MAPPER.readTree(line.substring(6)).get("b64_json").asText()));
                }
            }
        } else {
            for (JsonNode d : JobApiTest.json(r).get("data")) pngs.add(Base64.getDecoder().decode(d.get("b64_json").asText()));
        }
        latenciesNanos.add(System.nanoTime() - t);
        expectCli(stream ? "openai stream" : "openai", seed, n, pngs);
    }

    private void a1111(long seed, int n) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = postRetrying("/sdapi/v1/txt2img", "{\"prompt\": \"load " + seed + "\", \"seed\": " + seed
                + ", \"steps\": " + STEPS + ", \"batch_size\": " + n + ", \"cfg_scale\": 4.5}");
        if (r.statusCode() != 200) { failures.add("a1111: " + r.statusCode() + " " + r.body()); return; }
        List<byte[]> pngs = new ArrayList<>();
        for (JsonNode d : JobApiTest.json(r).get("images")) pngs.add(Base64.getDecoder().decode(d.asText()));
        latenciesNanos.add(System.nanoTime() - t);
        expectCli("a1111", seed, n, pngs);
    }

    // ---- cancels and hang-ups: the job ends, the server goes on

    private void cancelAJob(long seed) throws Exception {
        HttpResponse<String> r = postRetrying("/api/jobs", "{\"prompt\": \"to cancel\", \"seed\": " + seed + ", \"steps\": 40}");
        if (r.statusCode() != 202) { failures.add("cancel: " + r.statusCode() + " " + r.body()); return; }
        String id = JobApiTest.json(r).get("id").asText();
        HttpResponse<String> c = s.post("/api/jobs/" + id + "/cancel", "");
        if (c.statusCode() != 200) { failures.add("cancel " + id + ": " + c.statusCode()); return; }
        JsonNode end = JobApiTest.awaitEnd(s, id);
        if (!end.get("state").asText().equals("cancelled")) failures.add("cancel " + id + ": ended " + end.get("state"));
        cancels.incrementAndGet();
    }

    private void hangUp(String path) throws Exception {
        String body = "{\"prompt\": \"hang up\", \"seed\": 9, \"steps\": 40}";
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(30);
        }
        hangups.incrementAndGet();
    }

    // ---- invalid requests: a 4xx at once, with a message that says what is wrong

    private void expect4xx(String path, String body, int status, String field, String messagePart) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.base + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String what = path + " " + (body.length() > 60 ? body.substring(0, 60) + "..." : body);
        if (r.statusCode() != status) { failures.add(what + ": status " + r.statusCode() + ", expected " + status + ": " + tail(r.body())); return; }
        JsonNode e = JobApiTest.json(r).get("error");
        String message = e.get("message").asText();
        if (!message.contains(messagePart)) failures.add(what + ": message '" + message + "' lacks '" + messagePart + "'");
        if (field != null && !field.equals(e.get("param").asText())) failures.add(what + ": param " + e.get("param") + ", expected " + field);
        invalid.incrementAndGet();
    }

    private void malformed(int client) throws Exception {
        String[] paths = {"/api/jobs", "/v1/images/generations", "/sdapi/v1/txt2img"};
        String path = paths[client % 3];
        expect4xx(path, "{\"prompt\": \"x\", \"steps\": ", 400, null, "malformed JSON at line 1");
        expect4xx(path, "not json", 400, null, "malformed JSON");
        expect4xx(path, "{\"prompt\": 5}", 400, "prompt", "prompt must be a string, got 5");
        expect4xx(path, "", 400, null, "the request body is empty");
    }

    private void outOfLimits(int client) throws Exception {
        expect4xx("/api/jobs", "{\"prompt\": \"x\", \"width\": 1000000000000}", 400, "width", "width must be an integer");
        expect4xx("/v1/images/generations", "{\"prompt\": \"x\", \"size\": \"100000x100000\"}", 400, "width", "is outside 16..512 pixels");
        expect4xx("/v1/images/generations", "{\"prompt\": \"x\", \"size\": \"huge\"}", 400, "size", "size must be \"WIDTHxHEIGHT\"");
        expect4xx("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"width\": -64}", 400, "width", "width -64 is outside");
        expect4xx("/api/jobs", "{\"prompt\": \"x\", \"n\": 1000}", 400, "n", "n (images per request) 1000 is outside 1..4");
        expect4xx("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"steps\": -1}", 400, "steps", "steps -1 is outside 1..50");
        expect4xx("/api/jobs", "{\"prompt\": \"" + "word ".repeat(2000) + "\"}", 400, "prompt", "prompt has 10000 characters; the limit is 300");
        if (client % 2 == 0) {
            expect4xx("/v1/images/generations", "{\"prompt\": \"" + "y".repeat(3 << 20) + "\"}", 413, null, "the request body exceeds 1024 KiB");
        }
    }

    private static String tail(String s) {
        return s.length() <= 300 ? s : "..." + s.substring(s.length() - 300);
    }
}
