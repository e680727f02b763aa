package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseCommandTest {

    @Test
    void writesTorchRandnAsTensorNoise(@TempDir Path dir) {
        Path out = dir.resolve("noise.safetensors");
        int rc = Main.commandLine().execute("noise", "--seed", "42", "--shape", "1,4,64,64", "-o", out.toString());
        assertEquals(0, rc);
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertEquals(java.util.Set.of("noise"), f.names());
            float[] v = f.get("noise").toFloatArray();
            assertArrayEquals(new int[] {1, 4, 64, 64}, f.get("noise").shape());
            // torch.randn(1, 4, 64, 64, generator=torch.Generator().manual_seed(42))
            assertEquals(1.9269152879714966f, v[0]);
            assertEquals(1.4872840642929077f, v[1]);
            assertEquals(0.9007171988487244f, v[2]);
            assertEquals(-0.29340609908103943f, v[v.length - 1]);
        }
    }

    @Test
    void oddShapesUseTorchsTail(@TempDir Path dir) {
        Path out = dir.resolve("n.safetensors");
        assertEquals(0, Main.commandLine().execute("noise", "--seed", "3", "--shape", "2,4,9,7", "-o", out.toString()));
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            float[] v = f.get("noise").toFloatArray();
            assertEquals(-0.07664429396390915f, v[0]);
            assertEquals(0.35988152027130127f, v[1]);
            assertEquals(-0.9775914549827576f, v[v.length - 1]);
        }
    }

    @Test
    void badShapeIsAClearError(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("noise", "--seed", "1", "--shape", "1,four", "-o", dir.resolve("x.safetensors").toString());
        assertEquals(1, rc);
        assertTrue(err.toString().contains("--shape '1,four' must be comma-separated integers"), err.toString());
    }

    @Test
    void zeroSizedShapeGivesAnEmptyTensorAsTorchDoes(@TempDir Path dir) {
        // torch.randn((2, 0, 3), generator=...) is an empty tensor; a negative dim is an error there too
        Path out = dir.resolve("e.safetensors");
        assertEquals(0, Main.commandLine().execute("noise", "--seed", "1", "--shape", "2,0,3", "-o", out.toString()));
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertArrayEquals(new int[] {2, 0, 3}, f.get("noise").shape());
            assertEquals(0, f.get("noise").numel());
        }
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute("noise", "--seed", "1", "--shape", "2,-1", "-o", out.toString()));
        assertTrue(err.toString().contains("dimensions must not be negative"), err.toString());
    }

    @Test
    void acceptsEverySeedTorchAccepts(@TempDir Path dir) {
        // torch.Generator().manual_seed takes [-2^63, 2^64-1] and keeps it as uint64: 2^64-1 and -1 are one seed
        Path out = dir.resolve("n.safetensors");
        for (String seed : new String[] {"18446744073709551615", "-1"}) {
            assertEquals(0, Main.commandLine().execute("noise", "--seed", seed, "--shape", "3", "-o", out.toString()));
            try (SafetensorsFile f = SafetensorsFile.open(out)) {
                // torch.randn(3, generator=torch.Generator().manual_seed(2**64 - 1))
                assertArrayEquals(new float[] {1.2197630405426025f, -0.3929794728755951f, 1.0230751037597656f},
                        f.get("noise").toFloatArray());
            }
        }
        assertEquals(0, Main.commandLine().execute("noise", "--seed", "9223372036854775808", "--shape", "3", "-o", out.toString()));
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            // torch.randn(3, generator=torch.Generator().manual_seed(2**63))
            assertArrayEquals(new float[] {1.5409960746765137f, -0.293428897857666f, -2.1787893772125244f},
                    f.get("noise").toFloatArray());
        }
    }

    @Test
    void seedOutsideTorchsRangeIsAOneLineError(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("noise", "--seed", "18446744073709551616", "--shape", "3", "-o", dir.resolve("x.safetensors").toString());
        assertEquals(2, rc);
        String e = err.toString().strip();
        assertTrue(e.startsWith("dimba: error: ") && e.contains("--seed") && !e.contains("\n"), e);
    }
}
