package org.dimba4j.infer;

/**
 * A generation request that cannot run as given, raised before any model work. {@link #field()} names the request
 * field at fault (the record component: {@code width}, {@code steps}, {@code negativePrompt}, ...; {@code size} for
 * width and height together), so a server can answer 400 naming it and the CLI can name its option.
 */
public final class InvalidRequestException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    /** @param problem what is wrong, continuing the field's name: "60 must be a positive multiple of 16" */
    public InvalidRequestException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    /** The message without the leading field name. */
    public String problem() {
        return problem;
    }
}
