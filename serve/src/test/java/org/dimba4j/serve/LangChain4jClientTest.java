package org.dimba4j.serve;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.openai.OpenAiImageModel;
import dev.langchain4j.model.output.Response;
import org.dimba4j.io.image.GenerationParameters;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * LangChain4j's OpenAI image model, configured only with this server's base URL: it cannot send a seed, so the
 * server draws one; the PNG's parameters chunk tells which, and the CLI with that seed gives the same bytes.
 */
class LangChain4jClientTest {
    @Test
    void theOpenAiImageModelWorksUnchanged() {
        try (TestServer s = TestServer.start()) {
            OpenAiImageModel model = OpenAiImageModel.builder().baseUrl(s.base + "/v1").apiKey("unused")
                    .modelName("tiny-reference").size("64x64").maxRetries(0).build();
            Response<List<Image>> r = model.generate("a red fox", 2);
            assertEquals(2, r.content().size());
            byte[] png = Base64.getDecoder().decode(r.content().getFirst().base64Data());
            GenerationParameters p = GenerationParameters.parse(TestServer.parameters(png));
            assertNotNull(p.seed(), "the server records the seed it drew");
            List<byte[]> cli = TestServer.cliPngs("a red fox", "", p.seed(), 20, 4.5, "dpm-solver", 64, 2);
            assertArrayEquals(cli.get(0), png);
            assertArrayEquals(cli.get(1), Base64.getDecoder().decode(r.content().get(1).base64Data()));
        }
    }
}
