package org.dimba4j.infer.batch;

/** A prompts file that cannot run as written; the message names the file and the 1-based line. */
public final class BatchFileException extends IllegalArgumentException {
    private final int line;

    public BatchFileException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
        this.line = line;
    }

    /** 1-based; 0 for the file as a whole. */
    public int line() {
        return line;
    }
}
