package org.dimba4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobApiTest {
    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonBody.MAPPER.readTree(r.body());
    }

    static JsonNode awaitEnd(TestServer s, String id) throws Exception {
        for (int i = 0; i < 1200; i++) {
            JsonNode j = json(s.get("/api/jobs/" + id));
            if (List.of("done", "failed", "cancelled").contains(j.get("state").asText())) return j;
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not end");
    }

    @Test
    void aSubmittedJobEndsWithTheCliImageBytesAndItsSettings() throws Exception {
        HttpResponse<String> r = s.post("/api/jobs", """
                {"prompt": "a red fox", "negative_prompt": "blurry", "seed": 42, "steps": 6, "guidance": 3.5, "n": 2}""");
        assertEquals(202, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        assertEquals("/api/jobs/" + id, r.headers().firstValue("Location").orElseThrow());
        JsonNode done = awaitEnd(s, id);
        assertEquals("done", done.get("state").asText(), done.toString());
        assertEquals(6, done.get("step").asInt());
        assertEquals(2, done.get("images").size());
        List<byte[]> cli = TestServer.cliPngs("a red fox", "blurry", 42, 6, 3.5, "dpm-solver", 64, 2);
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> png = s.getBytes(done.get("images").get(i).asText());
            assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
            // the served file is the CLI's file: pixels and the parameters chunk, byte for byte
            assertArrayEquals(cli.get(i), png.body(), "image " + i);
        }
        assertEquals("a red fox\nNegative prompt: blurry\nSteps: 6, Sampler: dpm-solver, CFG scale: 3.5, Seed: 42,"
                + " Size: 64x64, Model: tiny-reference", TestServer.parameters(cli.get(0)));
        assertEquals(TestServer.parameters(cli.get(0)), done.get("parameters").asText());
    }

    @Test
    void eventsStreamProgressPreviewsAndTheEnd() throws Exception {
        String id = json(s.post("/api/jobs", """
                {"prompt": "a lighthouse", "seed": 7, "steps": 8, "preview_every": 2}""")).get("id").asText();
        HttpResponse<String> r = s.get("/api/jobs/" + id + "/events");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        String body = r.body();
        assertTrue(body.contains("event: progress"), body);
        assertTrue(body.contains("event: preview"), body);
        assertTrue(body.trim().lines().filter(l -> l.startsWith("event: ")).reduce((a, b) -> b).orElseThrow().equals("event: done"), body);
        // a preview is a PNG with the job's settings
        String previewLine = body.lines().dropWhile(l -> !l.equals("event: preview")).skip(1).findFirst().orElseThrow();
        JsonNode preview = JsonBody.MAPPER.readTree(previewLine.substring("data: ".length()));
        byte[] png = Base64.getDecoder().decode(preview.get("images").get(0).asText());
        assertEquals(64 * 64 * 3, TestServer.pixels(png).length);
        assertTrue(TestServer.parameters(png).contains("Seed: 7"));
    }

    @Test
    void cancellingQueuedAndRunningJobs() throws Exception {
        String slow = json(s.post("/api/jobs", "{\"prompt\": \"slow\", \"seed\": 1, \"steps\": 50}")).get("id").asText();
        String queued = json(s.post("/api/jobs", "{\"prompt\": \"queued\", \"seed\": 2, \"steps\": 4}")).get("id").asText();
        JsonNode q = json(s.post("/api/jobs/" + queued + "/cancel", ""));
        assertEquals("cancelled", q.get("state").asText(), q.toString());
        assertEquals("cancelled while queued", q.get("error").asText());
        while (json(s.get("/api/jobs/" + slow)).get("step").asInt() < 1) Thread.sleep(10);
        s.post("/api/jobs/" + slow + "/cancel", "");
        JsonNode end = awaitEnd(s, slow);
        assertEquals("cancelled", end.get("state").asText());
        assertTrue(end.get("step").asInt() < 50, end.toString());
        assertEquals(0, end.get("images").size());
    }

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        assertBad("{\"prompt\": \"x\", \"width\": 100000}", "width", "width 100000 is outside 16..512 pixels (the server's --max-size)");
        assertBad("{\"prompt\": \"x\", \"height\": 72}", "height", "height 72 must be a multiple of 16 (the VAE's downsampling factor x the patch size); try 64 or 80");
        assertBad("{\"prompt\": \"x\", \"steps\": 5000}", "steps", "steps 5000 is outside 1..50 (the server's --max-steps)");
        assertBad("{\"prompt\": \"x\", \"n\": 9}", "n", "n (images per request) 9 is outside 1..4 (the server's --max-images)");
        assertBad("{\"prompt\": \"" + "x".repeat(301) + "\"}", "prompt", "prompt has 301 characters; the limit is 300"
                + " (the server's --max-prompt-chars; the text encoder reads only its first tokens)");
        assertBad("{\"prompt\": \"x\", \"steps\": \"many\"}", "steps", "steps must be an integer, got \"many\"");
        assertBad("{\"prompt\": \"x\", \"sampler\": \"euler\"}", "sampler", "unknown sampler 'euler' (expected dpm-solver, ddim or iddpm; A1111 names: DPM++ 2M, DDIM, IDDPM)");
        assertBad("{\"steps\": 4}", "prompt", "prompt is required");
        assertBad("{\"prompt\": \"x\", \"seed\": -5}", "seed", "seed must be an integer in 0..2^63-1 (or -1 for a random seed), got -5");
        assertBad("{\"prompt\": \"x\",", null, "malformed JSON at line 1, column 16: Unexpected end-of-input within/between Object entries");
        assertBad("[1, 2]", null, "the request body must be a JSON object, got array");
        // memory: 4 images at 512x512 exceed a 1 GiB budget by the estimate
        assertBad("{\"prompt\": \"x\", \"size\": \"512x512\", \"n\": 4}", "size",
                "4 image(s) of 512x512 would need about 2.0 GiB of working memory; this server allows 1.0 GiB"
                        + " (a smaller size or n, or a larger -Xmx / --max-memory)");
        HttpResponse<String> missing = s.get("/api/jobs/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("no job 'nope' (finished jobs are kept for the last 64)", json(missing).get("error").get("message").asText());
        assertEquals(404, s.get("/api/nothing-here").statusCode());
    }

    private static void assertBad(String body, String field, String message) throws Exception {
        HttpResponse<String> r = s.post("/api/jobs", body);
        assertEquals(400, r.statusCode(), r.body());
        JsonNode e = json(r).get("error");
        assertEquals(message, e.get("message").asText());
        assertEquals(field, e.get("param").isNull() ? null : e.get("param").asText());
        assertEquals("invalid_request_error", e.get("type").asText());
    }

    @Test
    void capabilitiesDescribeTheModelAndLimits() throws Exception {
        JsonNode c = json(s.get("/api/capabilities"));
        assertEquals("tiny-reference", c.get("model").get("name").asText());
        assertEquals(64, c.get("model").get("default_size").asInt());
        assertEquals(16, c.get("model").get("size_multiple").asInt());
        assertEquals(512, c.get("limits").get("max_size").asInt());
        assertEquals(3, c.get("samplers").size());
        assertNotNull(c.get("queue").get("capacity"));
    }
}
