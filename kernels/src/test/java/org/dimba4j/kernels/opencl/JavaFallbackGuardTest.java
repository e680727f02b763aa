package org.dimba4j.kernels.opencl;

import com.aparapi.device.OpenCLDevice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Aparapi may run a kernel in Java (its thread pool or an "alternative algorithm") when OpenCL translation fails.
 * A kernel Aparapi cannot translate (it allocates an object) must fail instead, and must not have run in Java.
 */
class JavaFallbackGuardTest {
    @Test
    void untranslatableKernelThrowsAndNeverRunsInJava() {
        OpenClTestSupport.backend(); // skips (or fails when required) without a device
        OpenCLDevice device = OpenClDevices.best().orElseThrow().device();
        UntranslatableKernel k = new UntranslatableKernel();
        try {
            assertThrows(Throwable.class, () -> k.execute(device.createRange(64, 64)));
            for (float v : k.mem0) assertEquals(0f, v, "the kernel body ran in Java");
            // Without a device in the range Aparapi falls back to its thread pool: the guard stops it.
            assertThrows(Throwable.class, () -> k.execute(com.aparapi.Range.create(64, 64)));
            for (float v : k.mem0) assertEquals(0f, v, "the kernel body ran in Java");
        } finally {
            k.dispose();
        }
    }
}

/** Not translatable to OpenCL: object allocation inside the kernel. Top-level so it carries no NestHost attribute. */
final class UntranslatableKernel extends KernelBase {
    UntranslatableKernel() {
        mem0 = new float[64];
        mem1 = new float[16];
        mem2 = new float[16];
        mem3 = new float[16];
        stageSmall = new float[1];
        stageLarge = new float[1];
        setExplicit(true);
    }

    @Override
    public void run() {
        failIfJava();
        StringBuilder sb = new StringBuilder("x");
        mem0[getGlobalId(0)] = sb.length();
    }
}
