package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba train --init random}: the run starts from the official initialisation of the config, kept in RUN/init. */
class TrainInitRandomTest {
    private static final Path MODEL = Path.of("../models/tiny-reference");

    @Test
    void startsFromTheOfficialInitialisationAndResumesFromIt(@TempDir Path tmp) throws Exception {
        Path data = TrainCommandTest.imageFolder(tmp.resolve("data"));
        Path run = tmp.resolve("run"), again = tmp.resolve("again"), pretrained = tmp.resolve("pretrained");
        String[] common = {"train", "--model", MODEL.toString(), "--data", data.toString(), "--batch", "2", "--lr", "1e-3",
                "--warmup-steps", "0", "--seed", "5", "--save-every", "2", "--optimizer", "adamw", "--device", "cpu",
                "--steps", "2"};
        CliRun a = CliRun.run(concat(common, "--init", "random", "--out", run.toString()));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.err().contains("--init random: the official initialisation from seed 5"), a.err());

        // RUN/init/transformer holds exactly DimbaInit of the model's config and the run's seed
        DimbaConfig config = DimbaConfig.load(MODEL.resolve("transformer/config.json"));
        Map<String, Tensor> want = DimbaInit.initialise(config, 5);
        try (SafetensorsFile init = SafetensorsFile.open(run.resolve("init/transformer/model.safetensors"));
             SafetensorsFile given = SafetensorsFile.open(MODEL.resolve("transformer/model.safetensors"))) {
            assertEquals(want.keySet(), init.names());
            for (var e : want.entrySet()) assertArrayEquals(e.getValue().toFloatArray(), init.get(e.getKey()).toFloatArray(), e.getKey());
            assertFalse(java.util.Arrays.equals(given.get("blocks.0.attn.qkv.weight").toFloatArray(),
                    init.get("blocks.0.attn.qkv.weight").toFloatArray()), "not the model folder's weights");
        }
        assertEquals(Files.readString(MODEL.resolve("transformer/config.json")), Files.readString(run.resolve("init/transformer/config.json")));

        // a run that died before its first checkpoint restarts from RUN/init, not from the model folder
        assertEquals(0, CliRun.run(concat(common, "--init", "random", "--out", again.toString())).code());
        deleteTree(again.resolve("checkpoints"));
        CliRun r = CliRun.run("train", "--resume", again.toString());
        assertEquals(0, r.code(), r.err());
        Path w = Path.of("checkpoints/step-2/transformer/model.safetensors");
        assertArrayEquals(Files.readAllBytes(run.resolve(w)), Files.readAllBytes(again.resolve(w)));

        // the default still starts from the model's weights
        assertEquals(0, CliRun.run(concat(common, "--out", pretrained.toString())).code());
        assertFalse(Files.exists(pretrained.resolve("init")));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(run.resolve(w)), Files.readAllBytes(pretrained.resolve(w))));
    }

    @Test
    void refusesAnUnknownInit(@TempDir Path tmp) {
        CliRun bad = CliRun.run("train", "--model", MODEL.toString(), "--data", tmp.toString(), "--out",
                tmp.resolve("r").toString(), "--init", "xavier");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--init xavier: expected pretrained or random"), bad.err());
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
