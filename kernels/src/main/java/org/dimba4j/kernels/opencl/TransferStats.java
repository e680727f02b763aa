package org.dimba4j.kernels.opencl;

/**
 * Host&lt;-&gt;device traffic since the last reset: tensors uploaded and downloaded, and the bytes the staging buffers
 * actually moved (each transfer moves a whole staging buffer).
 */
public record TransferStats(long uploads, long downloads, long bytesUp, long bytesDown, long launches) {
    @Override
    public String toString() {
        return uploads + " uploads (" + bytesUp + " B), " + downloads + " downloads (" + bytesDown + " B), "
                + launches + " launches";
    }
}
