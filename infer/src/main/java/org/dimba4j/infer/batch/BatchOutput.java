package org.dimba4j.infer.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The output folder's images: {@code DIR/<id or line number>.png}, each written beside its name as
 * {@code DIR/.<name>.png.partial-<writer>} (unique per process and thread, so two attempts at one image, e.g. a
 * retried Spark task beside a slow one, never share a partial), forced to disk and renamed over it, so a file under its real name is always
 * complete (a crash leaves at most a hidden partial, which is never read and is deleted by the next run).
 */
public final class BatchOutput {
    private BatchOutput() {}

    static Path partial(Path dir, String pngName) {
        return dir.resolve(partialPrefix(pngName) + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
    }

    private static String partialPrefix(String pngName) {
        return "." + pngName + ".partial-";
    }

    /** Writes {@code png} to {@code dir/pngName} atomically; a retried writer of the same name just replaces it. */
    public static void writeAtomically(Path dir, String pngName, byte[] png) {
        Path aside = partial(dir, pngName);
        try {
            try (FileChannel ch = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(png);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(aside, dir.resolve(pngName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(pngName) + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the partials that crashed writers left for any of {@code pngNames} (one listing of the folder). */
    public static void deletePartials(Path dir, Set<String> pngNames) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith("."))) {
            for (Path p : s) {
                String f = p.getFileName().toString();
                int at = f.lastIndexOf(".partial-");
                if (at > 1 && pngNames.contains(f.substring(1, at))) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete partial files in " + dir + ": " + e.getMessage(), e);
        }
    }
}
