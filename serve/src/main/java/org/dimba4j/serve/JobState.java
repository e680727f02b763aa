package org.dimba4j.serve;

import java.util.Locale;

/** A job's life: queued -> running -> done | failed | cancelled (a queued job can be cancelled too). */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    public boolean terminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    /** The name in JSON: lower case. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
