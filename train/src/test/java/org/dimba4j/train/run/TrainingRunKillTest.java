package org.dimba4j.train.run;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training JVM killed with SIGKILL mid-run, or halted between writing a checkpoint aside and renaming it, leaves
 * its last complete checkpoint intact, and resuming ends with the same weight bytes as a run never interrupted.
 */
class TrainingRunKillTest {
    static final int STEPS = 12;
    @TempDir
    static Path tmp;
    static Path straight;

    @BeforeAll
    static void uninterrupted() {
        straight = tmp.resolve("straight");
        RunFixtures.run(RunFixtures.settings(STEPS), straight, RunFixtures.quiet()).start();
    }

    @Test
    void killedMidRunResumesToTheSameBytes() throws Exception {
        Path dir = tmp.resolve("killed");
        Process p = child(dir, "start", List.of());
        LossLog log = new LossLog(dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && log.rows().size() < 5 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(p.isAlive(), "the child was still training when killed (exit " + (p.isAlive() ? "" : p.exitValue()) + ")");
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        RunCheckpoints c = new RunCheckpoints(dir);
        int newest = c.newest().orElseThrow();
        assertTrue(newest < STEPS, "killed before the end: newest checkpoint " + newest);
        System.err.println("TrainingRunKillTest: killed after " + log.rows().size() + " logged steps, newest checkpoint " + newest);
        assertIntact(c, newest);

        Path last = RunFixtures.run(RunFixtures.settings(STEPS), dir, RunFixtures.quiet()).resume();
        assertArrayEquals(RunFixtures.weights(straight.resolve("checkpoints/step-" + STEPS)), RunFixtures.weights(last));
        assertArrayEquals(RunFixtures.optimizer(straight.resolve("checkpoints/step-" + STEPS)), RunFixtures.optimizer(last));
        assertEquals(Files.readString(straight.resolve("loss.csv")), Files.readString(dir.resolve("loss.csv")));
    }

    @Test
    void haltedMidCheckpointKeepsTheLastGoodOneAndResumesToTheSameBytes() throws Exception {
        Path dir = tmp.resolve("halted");
        Process p = child(dir, "start", List.of("-D" + RunCheckpoints.HALT_BEFORE_RENAME + "=6"));
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child halts at step 6");
        assertEquals(3, p.exitValue(), "Runtime.halt(3) in the checkpoint writer");
        RunCheckpoints c = new RunCheckpoints(dir);
        assertTrue(Files.isDirectory(dir.resolve("checkpoints/step-6.tmp")), "step 6 was written aside");
        assertFalse(Files.exists(c.folder(6)), "but never renamed");
        assertEquals(List.of(2, 4), c.steps());
        assertIntact(c, 4);

        // resumed in a child too: the aside folder is cleared and step 6 is computed and written again
        Process r = child(dir, "resume", List.of());
        assertTrue(r.waitFor(120, TimeUnit.SECONDS), "the resumed child finishes");
        assertEquals(0, r.exitValue());
        assertFalse(Files.exists(dir.resolve("checkpoints/step-6.tmp")));
        for (int s = 2; s <= STEPS; s += 2) {
            assertArrayEquals(RunFixtures.weights(straight.resolve("checkpoints/step-" + s)), RunFixtures.weights(c.folder(s)),
                    "weights of step " + s);
        }
        assertEquals(Files.readString(straight.resolve("loss.csv")), Files.readString(dir.resolve("loss.csv")));
    }

    /** The checkpoint's weights and optimizer state are the bytes the uninterrupted run saved at that step. */
    private static void assertIntact(RunCheckpoints c, int step) {
        Path expected = straight.resolve("checkpoints/step-" + step);
        assertArrayEquals(RunFixtures.weights(expected), RunFixtures.weights(c.folder(step)), "weights of step " + step);
        assertArrayEquals(RunFixtures.optimizer(expected), RunFixtures.optimizer(c.folder(step)), "optimizer of step " + step);
    }

    private static Process child(Path dir, String mode, List<String> jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xss4m");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainChild.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(STEPS));
        cmd.add(mode);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child-" + dir.getFileName() + "-" + mode + ".log").toFile()).start();
    }
}
