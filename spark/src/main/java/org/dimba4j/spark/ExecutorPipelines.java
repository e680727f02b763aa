package org.dimba4j.spark;

import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.PipelineOptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link DimbaPipeline} per executor JVM and model folder, loaded by the first task that needs it and kept for
 * every later task and stage of that JVM (its weights memory-mapped from the executor's disk: nothing multi-GB is
 * broadcast or serialised). Concurrent tasks of one executor share it; the pipeline runs their requests one at a
 * time on its device thread, each with all the executor's cores. Closed when the JVM exits.
 */
final class ExecutorPipelines {
    private static final Map<String, DimbaPipeline> PIPELINES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PIPELINES.values().forEach(DimbaPipeline::close),
                "dimba4j-spark-close"));
    }

    private ExecutorPipelines() {}

    static DimbaPipeline get(SparkBatchSettings s) {
        String key = Path.of(s.modelDir()).toAbsolutePath().normalize() + "|" + s.device() + "|" + s.threads();
        return PIPELINES.computeIfAbsent(key, k -> DimbaPipeline.load(Path.of(s.modelDir()),
                PipelineOptions.builder().device(s.device()).threads(s.threads()).build()));
    }

    /** How many pipelines this JVM has loaded (tests check that tasks share one). */
    static int loaded() {
        return PIPELINES.size();
    }
}
