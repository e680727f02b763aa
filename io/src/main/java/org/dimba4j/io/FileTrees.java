package org.dimba4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder trees on disk, for the write-aside-then-rename folders (checkpoints, caches, datasets, imports). */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes {@code p} and everything under it; nothing when it does not exist. Links are removed, never followed
     * (a checkpoint links the model folder's files, which must survive it).
     */
    public static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
