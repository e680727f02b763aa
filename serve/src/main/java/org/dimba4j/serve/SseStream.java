package org.dimba4j.serve;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events response written by hand on the servlet stream: the request is checked (404, 400) before
 * the 200 and the stream headers go out, and a write to a client that left fails here, which is how a streaming
 * request notices the disconnect and cancels its job.
 */
final class SseStream {
    private final OutputStream out;

    SseStream(Context ctx) throws IOException {
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no"); // proxies must not buffer the stream
        out = res.getOutputStream();
        res.flushBuffer();
    }

    /** One event: {@code event: NAME} and its JSON on one {@code data:} line. */
    void event(String name, Object data) throws IOException {
        String text = "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A comment line: keeps proxies from timing out and finds a client that left. */
    void heartbeat() throws IOException {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
