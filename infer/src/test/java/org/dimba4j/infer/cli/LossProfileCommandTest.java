package org.dimba4j.infer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba loss-profile}: the table on stdout and in -o, the same twice; bad options exit 2 naming them. */
class LossProfileCommandTest {
    private static final Path TINY = Path.of("../models/tiny-reference");

    @Test
    void printsAndWritesTheTableDeterministically(@TempDir Path dir) throws IOException {
        Path data = CacheCommandTest.dataset(dir), out = dir.resolve("profile.md");
        CliRun r = CliRun.run("loss-profile", "--model", TINY.toString(), "--data", data.toString(), "--examples", "3",
                "--timesteps", "0,500,999", "--device", "cpu", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out()); // header, rule, three timesteps
        assertTrue(lines[2].startsWith("| 0 | 1.00e+04 |"), lines[2]);
        assertTrue(lines[4].startsWith("| 999 | 4.04e-05 |"), lines[4]);
        assertTrue(Files.readString(out).endsWith(r.out()), "-o holds the printed table");
        CliRun again = CliRun.run("loss-profile", "--model", TINY.toString(), "--data", data.toString(), "--examples", "3",
                "--timesteps", "0,500,999", "--device", "cpu");
        assertEquals(r.out(), again.out(), "the same draws, the same numbers");
    }

    @Test
    void refusesBadOptionsWithUsageExitCode(@TempDir Path dir) throws IOException {
        Path data = CacheCommandTest.dataset(dir);
        CliRun r = CliRun.run("loss-profile", "--model", TINY.toString(), "--data", data.toString(), "--timesteps", "1000");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--timesteps 1000"), r.err());
        r = CliRun.run("loss-profile", "--model", TINY.toString(), "--data", data.toString(), "--examples", "1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--examples"), r.err());
        r = CliRun.run("loss-profile", "--model", dir.toString(), "--data", data.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("not a model folder"), r.err());
    }
}
