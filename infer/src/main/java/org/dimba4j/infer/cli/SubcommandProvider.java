package org.dimba4j.infer.cli;

/**
 * Adds a verb to {@code dimba} from a module that depends on this one (e.g. {@code serve}), found with
 * {@link java.util.ServiceLoader} through {@code META-INF/services/org.dimba4j.infer.cli.SubcommandProvider}: infer
 * stays free of the server's dependencies, and the verb appears when its jar is on the class path.
 */
public interface SubcommandProvider {
    /** A picocli {@code @Command} object. */
    Object command();
}
