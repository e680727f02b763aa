package org.dimba4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class A1111ApiTest {
    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start();
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void txt2imgAnswersTheCliImageWithInfo() throws Exception {
        HttpResponse<String> r = s.post("/sdapi/v1/txt2img", """
                {"prompt": "a red fox", "negative_prompt": "blurry", "seed": 42, "steps": 6, "cfg_scale": 3.5,
                 "sampler_name": "DPM++ 2M", "width": 64, "height": 64, "batch_size": 2, "n_iter": 1}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JobApiTest.json(r);
        var cli = TestServer.cliPngs("a red fox", "blurry", 42, 6, 3.5, "dpm-solver", 64, 2);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(cli.get(i), Base64.getDecoder().decode(j.get("images").get(i).asText()));
        }
        JsonNode info = JsonBody.MAPPER.readTree(j.get("info").asText());
        assertEquals(42, info.get("seed").asLong());
        assertEquals(TestServer.parameters(cli.get(0)), info.get("infotexts").get(0).asText());
        assertEquals("DPM++ 2M", j.get("parameters").get("sampler_name").asText());
    }

    @Test
    void progressAndInterruptReachTheRunningJob() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = s.http.sendAsync(s.request("/sdapi/v1/txt2img")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"slow\", \"seed\": 3, \"steps\": 50}")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode p;
        do {
            Thread.sleep(20);
            p = JobApiTest.json(s.get("/sdapi/v1/progress"));
        } while (p.get("state").get("sampling_step").asInt() < 2);
        assertEquals(50, p.get("state").get("sampling_steps").asInt());
        assertTrue(p.get("progress").asDouble() > 0 && p.get("progress").asDouble() < 1, p.toString());
        assertEquals(200, s.post("/sdapi/v1/interrupt", "").statusCode());
        HttpResponse<String> r = slow.get();
        assertEquals(200, r.statusCode(), r.body());
        JsonNode j = JobApiTest.json(r);
        assertEquals(0, j.get("images").size());
        assertTrue(JsonBody.MAPPER.readTree(j.get("info").asText()).get("interrupted").asBoolean());
        assertEquals(0, JobApiTest.json(s.get("/sdapi/v1/progress")).get("progress").asDouble());
    }

    @Test
    void samplersAndModels() throws Exception {
        JsonNode samplers = JobApiTest.json(s.get("/sdapi/v1/samplers"));
        assertEquals("dpm-solver", samplers.get(0).get("name").asText());
        assertEquals("DPM++ 2M", samplers.get(0).get("aliases").get(0).asText());
        JsonNode models = JobApiTest.json(s.get("/sdapi/v1/sd-models"));
        assertEquals("tiny-reference", models.get(0).get("model_name").asText());
    }

    @Test
    void badFieldsAreNamedInA1111TermsToo() throws Exception {
        HttpResponse<String> r = s.post("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"n_iter\": 3}");
        assertEquals(400, r.statusCode());
        assertEquals("n_iter", JobApiTest.json(r).get("error").get("param").asText());
        r = s.post("/sdapi/v1/txt2img", "{\"prompt\": \"x\", \"sampler_name\": \"Euler a\"}");
        assertEquals("sampler_name", JobApiTest.json(r).get("error").get("param").asText());
    }
}
