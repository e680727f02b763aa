package org.dimba4j.io;

/**
 * A checkpoint that cannot be read: malformed, truncated, inconsistent or unsafe. The message names the file and
 * the problem. Format readers throw subclasses ({@code SafetensorsException}, {@code TorchCheckpointException}),
 * so a caller that loads "whatever the user gave" catches this one type.
 */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
