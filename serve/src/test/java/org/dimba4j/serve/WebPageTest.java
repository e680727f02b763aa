package org.dimba4j.serve;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebPageTest {
    @Test
    void thePageIsSelfContainedAndHasTheControls() {
        try (TestServer s = TestServer.start()) {
            HttpResponse<String> r = s.get("/");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            String html = r.body();
            for (String id : new String[] {"prompt", "negative_prompt", "width", "height", "steps", "guidance", "seed",
                    "sampler", "generate", "cancel", "preview", "progress", "gallery"}) {
                assertTrue(html.contains("id=\"" + id + "\""), "no #" + id);
            }
            // nothing fetched from elsewhere: no absolute URLs in src/href, no external scripts or styles
            assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "an external resource");
            assertFalse(html.contains("<script src"), "an external script");
            assertTrue(html.contains("/api/jobs/\" + id + \"/events"), "the page follows the job's SSE");
        }
    }
}
