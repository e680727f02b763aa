package org.dimba4j.train.data;

import java.util.List;

/** A training set that cannot be used as it is; the message names every bad file (and line) found. */
public final class DatasetException extends RuntimeException {
    private static final int LISTED = 20;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** One exception for all the problems of a scan, the first {@value LISTED} spelled out. */
    static DatasetException of(String dataset, List<String> problems) {
        StringBuilder b = new StringBuilder(dataset).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " bad example" : " bad examples")
                .append(" (pass skipBad / --skip-bad to leave them out)");
        for (int i = 0; i < Math.min(LISTED, problems.size()); i++) b.append("\n  ").append(problems.get(i));
        if (problems.size() > LISTED) b.append("\n  ... and ").append(problems.size() - LISTED).append(" more");
        return new DatasetException(b.toString());
    }
}
