package org.dimba4j.io.safetensors;

import org.dimba4j.io.CheckpointException;

/**
 * A malformed or inconsistent safetensors file (or shard index); the message names the file and the problem.
 * The reader throws only this for bad content, never an index, null-pointer or out-of-memory error.
 */
public class SafetensorsException extends CheckpointException {
    public SafetensorsException(String message) {
        super(message);
    }
}
