package org.dimba4j.serve;

import org.dimba4j.infer.cli.SubcommandProvider;

/** Registers {@code dimba serve} with the CLI when the serve jar is on the class path. */
public final class ServeSubcommand implements SubcommandProvider {
    @Override
    public Object command() {
        return new ServeCommand();
    }
}
