package org.dimba4j.train.optim;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.opencl.OpenClBackend;
import org.dimba4j.kernels.opencl.OpenClDevices;
import org.dimba4j.kernels.opencl.TransferStats;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameters on an OpenCL device: the step gives bit for bit the host result (the arithmetic is the same host loop),
 * returns device tensors, and moves each parameter and gradient across once. Skipped without an OpenCL device.
 */
class DeviceTensorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"came", "adamw"})
    void oneTransferEachWayAndTheHostResult(String name) {
        var dev = OpenClDevices.best();
        Assumptions.assumeTrue(dev.isPresent(), "no OpenCL device");
        try (OpenClBackend cl = OpenClBackend.create(dev.get(), 16);
             TensorSource p = OptimFixtures.open("/fixtures/optim/params.safetensors");
             TensorSource g = OptimFixtures.open("/fixtures/optim/grads.safetensors")) {
            Map<String, Tensor> host = OptimizerGoldenTest.params(p), onDevice = new LinkedHashMap<>();
            Map<String, Tensor> gHost = OptimizerGoldenTest.grads(g, 0), gDevice = new LinkedHashMap<>();
            for (String n : host.keySet()) {
                onDevice.put(n, cl.upload(host.get(n)));
                gDevice.put(n, cl.upload(gHost.get(n)));
            }
            Map<String, Tensor> want = Optimizers.create(name, OptimizerSettings.defaults()).step(host, gHost, 1e-3);
            cl.resetTransfers();
            Map<String, Tensor> got = Optimizers.create(name, OptimizerSettings.defaults(), cl).step(onDevice, gDevice, 1e-3);
            TransferStats moved = cl.transfers();
            assertEquals(2L * host.size(), moved.downloads(), moved.toString());
            assertEquals(host.size(), moved.uploads(), moved.toString());
            for (String n : host.keySet()) {
                assertFalse(got.get(n).isHost(), n + " stays a device tensor");
                assertTrue(Arrays.equals(want.get(n).floats(), cl.download(got.get(n)).floats()), n);
            }
        }
    }
}
