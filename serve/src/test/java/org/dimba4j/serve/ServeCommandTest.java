package org.dimba4j.serve;

import org.dimba4j.infer.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba serve} through the real command line: found by ServiceLoader, its options checked before loading. */
class ServeCommandTest {

    private static String[] run(String... args) {
        var cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void theCliListsServe() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("serve"), r[1]);
        String[] help = run("serve", "--help");
        assertTrue(help[1].contains("--api-key") && help[1].contains("--cors-origin") && help[1].contains("--queue"), help[1]);
    }

    @Test
    void badOptionsExit2BeforeTheModelIsLoaded() {
        // the model folder does not exist: the option error must come first
        String[] r = run("serve", "--model", "/nonexistent", "--queue", "0");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].startsWith("dimba: error: --queue must be at least 1, got 0"), r[2]);
        r = run("serve", "--model", "/nonexistent", "--max-memory", "lots");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].startsWith("dimba: error: --max-memory 'lots' must be a positive size such as 6g, 512m or 1048576"), r[2]);
        r = run("serve", "--model", "/nonexistent", "--port", "70000");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].startsWith("dimba: error: --port must be 0..65535, got 70000"), r[2]);
        r = run("serve", "--model", "/nonexistent", "--max-size", "4");
        assertTrue(r[2].startsWith("dimba: error: --max-size must be at least 8, got 4"), r[2]);
    }

    @Test
    void aMissingModelIsNamed() {
        String[] r = run("serve", "--model", "/nonexistent", "--port", "0");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("/nonexistent: no tokenizer/ folder"), r[2]);
    }
}
