package org.dimba4j.serve;

/**
 * How the server listens and whom it answers.
 *
 * @param host            the interface to bind; loopback unless the operator opens it
 * @param port            0 picks a free port (tests)
 * @param apiKey          when set, every API call needs {@code Authorization: Bearer KEY}; null: open
 * @param corsOrigin      an origin allowed to call from a browser ({@code *} for any); null: same origin only
 * @param queueCapacity   jobs that may wait behind the running one before 429
 * @param heartbeatMillis SSE keep-alive interval, which is also how soon a streaming client's leaving is noticed
 */
public record ServeOptions(String host, int port, String apiKey, String corsOrigin, int queueCapacity, Limits limits,
                           long heartbeatMillis) {
    public ServeOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        if (queueCapacity < 1) throw new IllegalArgumentException("--queue must be at least 1, got " + queueCapacity);
        if (apiKey != null && apiKey.isBlank()) apiKey = null;
    }
}
