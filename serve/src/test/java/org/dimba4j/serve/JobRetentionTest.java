package org.dimba4j.serve;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finished jobs are kept for a while, then forgotten oldest first: memory stays bounded however long it runs. */
class JobRetentionTest {
    @Test
    void theOldestFinishedJobsAreForgotten() throws Exception {
        try (TestServer s = TestServer.start(new ServeOptions("127.0.0.1", 0, null, null, 128, TestServer.limits(), 200))) {
            int total = JobQueue.KEEP_FINISHED + 6;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                ids.add(JobApiTest.json(s.post("/api/jobs", "{\"prompt\": \"p\", \"size\": \"16x16\", \"steps\": 2, \"seed\": " + i + "}"))
                        .get("id").asText());
            }
            assertEquals("done", JobApiTest.awaitEnd(s, ids.getLast()).get("state").asText());
            assertTrue(s.server.queue().retainedCount() <= JobQueue.KEEP_FINISHED, "holds " + s.server.queue().retainedCount());
            for (int i = 0; i < 6; i++) assertEquals(404, s.get("/api/jobs/" + ids.get(i)).statusCode(), "job " + i);
            assertEquals(200, s.get("/api/jobs/" + ids.get(6)).statusCode());
            assertEquals(200, s.getBytes("/api/jobs/" + ids.get(6) + "/images/0").statusCode());
        }
    }
}
