package org.dimba4j.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;

/** JSON responses through the one Jackson mapper (Javalin's own mapper is not configured, to keep one path). */
final class Json {
    private Json() {}

    static String write(Object value) {
        try {
            return JsonBody.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static void send(Context ctx, Object value) {
        ctx.contentType("application/json").result(write(value));
    }
}
