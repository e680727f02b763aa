package org.dimba4j.serve;

import org.dimba4j.infer.cli.CliLogging;
import org.dimba4j.infer.cli.Main;

import java.util.stream.Stream;

/** {@code java -cp ... org.dimba4j.serve.ServeMain [options]}: {@code dimba serve} with the CLI's error handling. */
public final class ServeMain {
    private ServeMain() {}

    public static void main(String[] args) {
        CliLogging.install(System.getenv("DIMBA_DEBUG") != null);
        System.exit(Main.commandLine().execute(Stream.concat(Stream.of("serve"), Stream.of(args)).toArray(String[]::new)));
    }
}
