package org.dimba4j.train.optim;

import org.dimba4j.io.TensorSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The schedules against torch's LambdaLR over diffusers' schedules (schedules.safetensors metadata). */
class LearningRateScheduleTest {

    @Test
    void constantAndCosineWithWarmupMatchDiffusers() {
        try (TensorSource fx = OptimFixtures.open("/fixtures/optim/schedules.safetensors")) {
            Map<String, String> m = fx.metadata();
            double base = Double.parseDouble(m.get("base_lr"));
            int warmup = Integer.parseInt(m.get("warmup")), total = Integer.parseInt(m.get("training_steps"));
            check(LearningRateSchedule.constant(base, warmup), m.get("constant"));
            check(LearningRateSchedule.cosine(base, warmup, total), m.get("cosine"));
        }
    }

    private static void check(LearningRateSchedule s, String csv) {
        double[] want = Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], s.lr(k), 1e-12 * s.baseLr(), s.kind() + " step " + k);
        }
    }

    @Test
    void theOfficialWarmupStartsAtZeroAndReachesTheBaseRate() {
        LearningRateSchedule s = LearningRateSchedule.constant(2e-5, LearningRateSchedule.OFFICIAL_WARMUP_STEPS);
        assertEquals(0.0, s.lr(0));
        assertEquals(1e-5, s.lr(500), 1e-20);
        assertEquals(2e-5, s.lr(1000));
        assertEquals(2e-5, LearningRateSchedule.constant(2e-5, 0).lr(0));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(1e-4, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(1e-4, 10).lr(-1));
    }
}
