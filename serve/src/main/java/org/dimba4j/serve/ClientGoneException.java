package org.dimba4j.serve;

/** The client of a blocking request hung up; its job was cancelled and no response is written. */
final class ClientGoneException extends RuntimeException {
    ClientGoneException(Job job) {
        super("client disconnected; job " + job.id() + " cancelled", null, false, false);
    }
}
