package org.dimba4j.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenStreamEvent;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java client, unchanged but for its base URL and key, against the running server. */
class OpenAiClientTest {
    static TestServer s;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        s = TestServer.start(new ServeOptions("127.0.0.1", 0, "sk-test", null, 64, TestServer.limits(), 200));
        client = OpenAIOkHttpClient.builder().baseUrl(s.base + "/v1").apiKey("sk-test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        s.close();
    }

    private static ImageGenerateParams.Builder params(String prompt, long seed) {
        return ImageGenerateParams.builder().prompt(prompt).model("tiny-reference").size("64x64")
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
                .putAdditionalBodyProperty("seed", JsonValue.from(seed))
                .putAdditionalBodyProperty("steps", JsonValue.from(6))
                .putAdditionalBodyProperty("guidance", JsonValue.from(4.5));
    }

    @Test
    void generateReturnsTheCliImages() {
        ImagesResponse r = client.images().generate(params("a red fox", 42).n(2).build());
        List<Image> data = r.data().orElseThrow();
        assertEquals(2, data.size());
        List<byte[]> cli = TestServer.cliPngs("a red fox", "", 42, 6, 4.5, "dpm-solver", 64, 2);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(cli.get(i), Base64.getDecoder().decode(data.get(i).b64Json().orElseThrow()), "image " + i);
        }
        assertEquals("64x64", r.size().orElseThrow().asString());
    }

    @Test
    void streamingSendsPartialImagesThenTheCompletedOne() {
        ImageGenerateParams p = params("a lighthouse", 9).partialImages(2).build();
        int partial = 0;
        byte[] completed = null;
        try (StreamResponse<ImageGenStreamEvent> events = client.images().generateStreaming(p)) {
            for (ImageGenStreamEvent e : events.stream().toList()) {
                if (e.isGenerationPartialImage()) {
                    assertEquals(partial++, e.generationPartialImage().orElseThrow().partialImageIndex());
                } else if (e.isGenerationCompleted()) {
                    completed = Base64.getDecoder().decode(e.generationCompleted().orElseThrow().b64Json());
                }
            }
        }
        assertEquals(2, partial);
        assertArrayEquals(TestServer.cliPngs("a lighthouse", "", 9, 6, 4.5, "dpm-solver", 64, 1).getFirst(), completed);
    }

    @Test
    void modelsListTheLoadedModel() {
        List<Model> models = client.models().list().data();
        assertEquals(1, models.size());
        assertEquals("tiny-reference", models.getFirst().id());
    }

    @Test
    void invalidSizeSurfacesAsTheClientsBadRequestWithTheField() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.images().generate(params("x", 1).size("100000x64").build()));
        assertEquals(400, e.statusCode());
        assertEquals("width", e.param().orElseThrow());
        assertTrue(e.getMessage().contains("width 100000 is outside 16..512 pixels"), e.getMessage());
    }

    @Test
    void aWrongKeyIsRefused() {
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(s.base + "/v1").apiKey("nope").maxRetries(0).build();
        try {
            var e = assertThrows(com.openai.errors.UnauthorizedException.class, () -> wrong.models().list());
            assertEquals(401, e.statusCode());
        } finally {
            wrong.close();
        }
    }
}
