package org.dimba4j.bench.hybrid;

import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaKeys;
import org.dimba4j.train.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridBenchTest {
    private static final DimbaConfig TINY = DimbaConfig.builder().inputSize(8).hiddenSize(32).depth(2).numHeads(4)
            .captionChannels(24).modelMaxLength(8).build();

    @Test
    void randomWeightsHoldExactlyTheExpectedTensorsAndAreSeeded() {
        for (boolean mamba : new boolean[] {true, false}) {
            Parameters w = RandomDimbaWeights.of(TINY, mamba, 1);
            var expected = DimbaKeys.expected(TINY, mamba);
            assertEquals(expected.size() - 1, w.names().size(), "all but the optional pos_embed");
            for (String n : w.names()) assertArrayEquals(expected.get(n), w.get(n).shape(), n);
            long params = expected.entrySet().stream().filter(e -> !e.getKey().equals(DimbaKeys.POS_EMBED))
                    .mapToLong(e -> Shape.numel(e.getValue())).sum();
            assertEquals(params, w.elementCount());
        }
        String name = "blocks.1.mlp.fc1.weight";
        assertArrayEquals(RandomDimbaWeights.of(TINY, true, 5).get(name).toFloatArray(),
                RandomDimbaWeights.of(TINY, false, 5).get(name).toFloatArray());
        // S4D-real init of A: log(1..d_state) along each row
        float[] aLog = RandomDimbaWeights.of(TINY, true, 5).get("mamba_blocks.0.mixer.A_b_log").toFloatArray();
        assertEquals(Math.log(16), aLog[15], 1e-6);
        assertEquals(0, aLog[16], 0);
    }

    @Test
    void bothVariantsBuildFromRandomWeightsAndDiffer() {
        var be = Backends.cpu();
        Tensor x = Tensor.of(new float[4 * 8 * 8], 1, 4, 8, 8), t = Tensor.of(new float[] {500f}, 1);
        float[] yv = new float[8 * 24];
        for (int i = 0; i < yv.length; i++) yv[i] = (float) Math.sin(i);
        Tensor y = Tensor.of(yv, 1, 1, 8, 24);
        try (Dimba hybrid = Dimba.of(TINY, RandomDimbaWeights.of(TINY, true, 3), be);
             Dimba attention = Dimba.attentionOnly(TINY, RandomDimbaWeights.of(TINY, false, 3), be)) {
            float[] h = hybrid.forward(x, t, y, null).toFloatArray(), a = attention.forward(x, t, y, null).toFloatArray();
            double diff = 0;
            for (int i = 0; i < h.length; i++) {
                assertTrue(Float.isFinite(h[i]) && Float.isFinite(a[i]));
                diff = Math.max(diff, Math.abs(h[i] - a[i]));
            }
            assertTrue(diff > 1e-4, "the Mamba layers should change the output, max diff " + diff);
        }
    }

    @Test
    void tokenCountsMapToLatentSides() {
        assertEquals(32, ForwardProbe.latentSide(256));
        assertEquals(256, ForwardProbe.latentSide(16384));
        assertThrows(IllegalArgumentException.class, () -> ForwardProbe.latentSide(1000));
    }

    @Test
    void measurementLineRoundTripsAndMedians() {
        Measurement m = new Measurement("S", "hybrid", 1024, 384, 4, 17_000_000L, 5L << 20, 9L << 20, 3L << 20,
                new double[] {2.5, 1.0, 2.0});
        Measurement back = Measurement.parse(m.line());
        assertEquals(m.tokens(), back.tokens());
        assertEquals(m.rssGrowth(), back.rssGrowth());
        assertArrayEquals(m.seconds(), back.seconds(), 1e-6);
        assertEquals(2.0, back.medianSeconds(), 0);
        assertEquals(1.5, Measurement.median(new double[] {2, 1}), 0);
    }

    @Test
    void csvTableAndPlotFromMeasurements(@TempDir Path dir) throws IOException {
        List<Measurement> ms = List.of(
                new Measurement("S", "hybrid", 256, 384, 4, 17L, 400L << 20, 600L << 20, 100L << 20, new double[] {0.8, 0.6}),
                new Measurement("S", "attention", 256, 384, 4, 12L, 300L << 20, 500L << 20, 50L << 20, new double[] {0.3}),
                new Measurement("S", "hybrid", 256, 384, 4, 17L, 420L << 20, 620L << 20, 110L << 20, new double[] {0.7}),
                new Measurement("S", "attention", 256, 384, 4, 12L, 320L << 20, 520L << 20, 60L << 20, new double[] {0.5}),
                new Measurement("S", "hybrid", 1024, 384, 4, 17L, 800L << 20, 900L << 20, 300L << 20, new double[] {2.0}),
                new Measurement("S", "attention", 1024, 384, 4, 12L, 700L << 20, 800L << 20, 200L << 20, new double[] {1.0}));
        List<Report.Row> rows = Report.aggregate(ms);
        assertEquals(4, rows.size());
        Report.Row h256 = rows.get(0);
        assertEquals(2, h256.jvms());
        assertEquals(0.7, h256.medianSeconds(), 1e-12);
        assertEquals(410.0, h256.rssGrowth() / (1 << 20), 1e-9);
        Path csv = dir.resolve("r.csv");
        Report.writeCsv(csv, rows);
        List<Report.Row> back = Report.readCsv(csv);
        assertEquals(0.7, back.get(0).medianSeconds(), 1e-4);
        assertEquals(410.0, back.get(0).rssGrowth() / (1 << 20), 0.1);
        String table = Report.markdownTable(back);
        // 256 tokens: hybrid 0.7 s, attention median of {0.3, 0.5} = 0.4 s -> ratio 1.75, Mamba share 43 %
        assertTrue(table.contains("| S (384 x 4) | 256 | 256 px | 0.700 | 0.400 | 1.429 | 2.500 | 1.75 | 43 % | 410 | 310 |"),
                table);
        Path png = dir.resolve("p.png");
        LogLogPlot.write(png, back);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(1120, img.getWidth());
        assertTrue(Files.size(png) > 5_000);
    }
}
