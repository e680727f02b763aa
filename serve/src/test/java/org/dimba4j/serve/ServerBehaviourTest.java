package org.dimba4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queue limits, keys, CORS and disconnects, each on a server configured for it. */
class ServerBehaviourTest {

    private static ServeOptions options(String key, String cors, int queue) {
        return new ServeOptions("127.0.0.1", 0, key, cors, queue, TestServer.limits(), 200);
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        try (TestServer s = TestServer.start(options(null, null, 1))) {
            String running = JobApiTest.json(s.post("/api/jobs", "{\"prompt\": \"a\", \"seed\": 1, \"steps\": 50}")).get("id").asText();
            while (!JobApiTest.json(s.get("/api/jobs/" + running)).get("state").asText().equals("running")) Thread.sleep(10);
            JsonNode waiting = JobApiTest.json(s.post("/api/jobs", "{\"prompt\": \"b\", \"seed\": 2, \"steps\": 4}"));
            assertEquals(1, waiting.get("position").asInt());
            HttpResponse<String> full = s.post("/api/jobs", "{\"prompt\": \"c\", \"seed\": 3, \"steps\": 4}");
            assertEquals(429, full.statusCode());
            long retry = Long.parseLong(full.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1, "Retry-After " + retry);
            assertTrue(JobApiTest.json(full).get("error").get("message").asText().startsWith("the queue is full (1 jobs waiting)"));
            s.post("/api/jobs/" + running + "/cancel", "");
            assertEquals("done", JobApiTest.awaitEnd(s, waiting.get("id").asText()).get("state").asText());
        }
    }

    @Test
    void theKeyIsRequiredOnTheApiButNotThePage() {
        try (TestServer s = TestServer.start(options("secret", null, 4))) {
            assertEquals(200, s.get("/api/capabilities").statusCode());
            HttpResponse<String> anon = s.send(HttpRequest.newBuilder(java.net.URI.create(s.base + "/api/capabilities")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anon.statusCode());
            assertEquals("Bearer", anon.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertTrue(anon.body().contains("this server needs an API key: Authorization: Bearer KEY"), anon.body());
            HttpResponse<String> page = s.send(HttpRequest.newBuilder(java.net.URI.create(s.base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
        }
    }

    @Test
    void corsAllowsTheConfiguredOriginOnly() {
        try (TestServer s = TestServer.start(options(null, "http://app.example", 4))) {
            HttpResponse<String> ok = s.send(s.request("/api/capabilities").header("Origin", "http://app.example").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("http://app.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            HttpResponse<String> other = s.send(s.request("/api/capabilities").header("Origin", "http://evil.example").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
        try (TestServer s = TestServer.start(options(null, null, 4))) {
            HttpResponse<String> none = s.send(s.request("/api/capabilities").header("Origin", "http://app.example").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(none.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void aClientHangingUpOnABlockingRequestCancelsItsJob() throws Exception {
        for (String path : new String[] {"/v1/images/generations", "/sdapi/v1/txt2img"}) {
            try (TestServer s = TestServer.start(options(null, null, 4))) {
                String body = "{\"prompt\": \"hang up\", \"seed\": 5, \"steps\": 50}";
                try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    while (s.server.queue().running().map(j -> j.step() < 1).orElse(true)) Thread.sleep(5);
                }
                Job job = s.server.queue().running().orElseThrow();
                job.finished().get();
                assertEquals(JobState.CANCELLED, job.state(), path);
                assertTrue(job.step() < 50, path + ": ran to step " + job.step());
            }
        }
    }

    @Test
    void aStreamingClientHangingUpCancelsItsJob() throws Exception {
        try (TestServer s = TestServer.start(options(null, null, 4))) {
            String body = "{\"prompt\": \"hang up\", \"seed\": 5, \"steps\": 50, \"stream\": true}";
            try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                socket.getOutputStream().write(("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                while (s.server.queue().running().map(j -> j.step() < 1).orElse(true)) Thread.sleep(5);
            }
            Job job = s.server.queue().running().orElseThrow();
            job.finished().get();
            assertEquals(JobState.CANCELLED, job.state());
        }
    }
}
