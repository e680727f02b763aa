package org.dimba4j.serve;

import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error body every face answers with, OpenAI's shape, which the OpenAI clients parse into their exceptions:
 * {@code {"error": {"message": ..., "type": ..., "param": FIELD, "code": ...}}}.
 */
final class ApiError {
    private ApiError() {}

    static void send(Context ctx, int status, String type, String param, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", status == 429 ? "rate_limit_exceeded" : null);
        ctx.status(status);
        Json.send(ctx, Map.of("error", e));
    }

    static void badRequest(Context ctx, BadRequestException e) {
        send(ctx, e.status(), "invalid_request_error", e.field(), e.getMessage());
    }
}
