package org.dimba4j.io.safetensors;

/** A malformed or inconsistent safetensors file; the message names the file and the problem. */
public class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }
}
