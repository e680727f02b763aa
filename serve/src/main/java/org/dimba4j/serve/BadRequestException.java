package org.dimba4j.serve;

/**
 * A request the server refuses before queueing it (HTTP 400 unless said otherwise), with the offending field named
 * so that a client can show it next to the right input.
 *
 * @see ApiError
 */
public final class BadRequestException extends RuntimeException {
    private final String field;
    private final int status;

    public BadRequestException(String field, String message) {
        this(400, field, message);
    }

    public BadRequestException(int status, String field, String message) {
        super(message);
        this.field = field;
        this.status = status;
    }

    /** The JSON field at fault, or null when the request as a whole is (malformed JSON, a missing body). */
    public String field() {
        return field;
    }

    public int status() {
        return status;
    }
}
