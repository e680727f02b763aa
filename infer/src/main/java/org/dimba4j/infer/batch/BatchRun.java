package org.dimba4j.infer.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.GenerationResult;
import org.dimba4j.io.Shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One shard of a batch in an output folder: which of its items are finished (PNG present and listed in the shard's
 * manifest with the same parameters) and which are still to do; {@link #generate} makes one, PNG first, manifest
 * line after. A rerun after a crash resumes where the manifest ends: nothing is made twice, nothing half written is
 * taken as done.
 */
public final class BatchRun {
    private final Path dir;
    private final String model;
    private final BatchManifest manifest;
    private final List<BatchItem> done = new ArrayList<>(), pending = new ArrayList<>();

    /**
     * Opens (creating) {@code dir} for {@code shard} of {@code all} (every item of the file; the shard's are picked
     * here). {@code model} is the model's name as the manifest records it. Fails naming the file when a finished
     * image was made with other parameters than its line now asks for.
     */
    public static BatchRun open(Path dir, Shard shard, List<BatchItem> all, String model) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
        return new BatchRun(dir, shard, all, model);
    }

    private BatchRun(Path dir, Shard shard, List<BatchItem> all, String model) {
        this.dir = dir;
        this.model = model;
        this.manifest = BatchManifest.open(dir, shard);
        Set<String> mine = new HashSet<>();
        for (BatchItem it : all) {
            if (!shard.owns(it.line().index())) continue;
            mine.add(it.line().pngName());
            ObjectNode e = manifest.entry(it.line().pngName());
            if (e == null) {
                pending.add(it);
            } else if (it.madeBy(e, model)) {
                done.add(it);
            } else {
                throw new IllegalArgumentException(dir.resolve(it.line().pngName()) + " (line " + it.line().number()
                        + ") was made with other parameters: " + manifest.file() + " has " + e
                        + "; write to a new output folder or delete that image and its manifest line");
            }
        }
        BatchOutput.deletePartials(dir, mine); // never read, only in the way
    }

    public List<BatchItem> pending() {
        return List.copyOf(pending);
    }

    public List<BatchItem> done() {
        return List.copyOf(done);
    }

    public BatchManifest manifest() {
        return manifest;
    }

    /** Generates one pending item, renames its PNG into place, then appends its manifest line. */
    public GenerationResult generate(DimbaPipeline pipe, BatchItem item) {
        GenerationResult r = pipe.generate(item.request());
        String name = item.line().pngName();
        BatchOutput.writeAtomically(dir, name, r.png(0));
        manifest.append(item.manifestEntry(r.seed(), model));
        return r;
    }
}
