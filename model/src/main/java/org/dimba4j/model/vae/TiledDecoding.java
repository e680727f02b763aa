package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Decoding a large latent in overlapping tiles, as diffusers' AutoencoderKL.tiled_decode: latent tiles of
 * {@code tileLatent} cells start every {@code tileLatent * (1 - overlap)} cells; each decoded tile is blended
 * into the tile above it and the tile to its left with linear ramps over {@code tileSample * overlap} pixels,
 * then cropped to its first {@code tileSample - blend} rows and columns. Tiles are blended in place in raster
 * order, so a tile's neighbours are already blended when it is: the same order diffusers uses.
 *
 * <p>Only the previous row of decoded tiles is kept, so memory is one tile's decoder activations plus two rows
 * of decoded tiles and the output, whatever the image size.
 */
final class TiledDecoding {
    private final Backend b;
    private final UnaryOperator<Tensor> decodeTile;
    private final int tileLatent;
    private final int stride;
    private final int blend;
    private final int rowLimit;

    /**
     * @param tileSample the decoded tile size in pixels (diffusers: config sample_size)
     * @param tileLatent tileSample / the VAE's downsampling factor
     * @param overlap    diffusers' tile_overlap_factor (0.25)
     */
    TiledDecoding(Backend b, UnaryOperator<Tensor> decodeTile, int tileSample, int tileLatent, float overlap) {
        if (tileLatent < 1 || overlap < 0f || overlap >= 1f) {
            throw new IllegalArgumentException("tiled decoding needs a tile of at least one latent cell and an overlap in [0, 1), got tile "
                    + tileLatent + ", overlap " + overlap);
        }
        this.b = b;
        this.decodeTile = decodeTile;
        this.tileLatent = tileLatent;
        // Python's int(float) truncation, as diffusers computes these
        this.stride = Math.max(1, (int) (tileLatent * (1.0 - overlap)));
        this.blend = (int) (tileSample * (double) overlap);
        this.rowLimit = tileSample - blend;
    }

    Tensor decode(Tensor z) {
        int h = z.dim(2), w = z.dim(3);
        List<Tensor> strips = new ArrayList<>();
        List<Tensor> above = null;
        for (int i = 0; i < h; i += stride) {
            List<Tensor> row = new ArrayList<>();
            for (int j = 0; j < w; j += stride) {
                Tensor tileZ = b.slice(b.slice(z, 2, i, Math.min(i + tileLatent, h)), 3, j, Math.min(j + tileLatent, w));
                Tensor tile = decodeTile.apply(tileZ);
                if (above != null) tile = blendV(above.get(row.size()), tile);
                if (!row.isEmpty()) tile = blendH(row.getLast(), tile);
                row.add(tile);
            }
            List<Tensor> cropped = new ArrayList<>();
            for (Tensor t : row) cropped.add(crop(t));
            strips.add(b.concat(3, cropped.toArray(Tensor[]::new)));
            above = row;
        }
        return b.concat(2, strips.toArray(Tensor[]::new));
    }

    private Tensor crop(Tensor t) {
        Tensor rows = b.slice(t, 2, 0, Math.min(rowLimit, t.dim(2)));
        return b.slice(rows, 3, 0, Math.min(rowLimit, t.dim(3)));
    }

    /** b's first rows become a ramp from a's last rows (weight 1 - y/e) to b's own (weight y/e). */
    private Tensor blendV(Tensor a, Tensor t) {
        int e = Math.min(Math.min(a.dim(2), t.dim(2)), blend);
        if (e == 0) return t;
        Tensor aTail = b.slice(a, 2, a.dim(2) - e, a.dim(2)), tHead = b.slice(t, 2, 0, e);
        Tensor mixed = b.add(b.mul(aTail, ramp(e, true, e, 1)), b.mul(tHead, ramp(e, false, e, 1)));
        return e == t.dim(2) ? mixed : b.concat(2, mixed, b.slice(t, 2, e, t.dim(2)));
    }

    /** The same along columns, from the tile to the left. */
    private Tensor blendH(Tensor a, Tensor t) {
        int e = Math.min(Math.min(a.dim(3), t.dim(3)), blend);
        if (e == 0) return t;
        Tensor aTail = b.slice(a, 3, a.dim(3) - e, a.dim(3)), tHead = b.slice(t, 3, 0, e);
        Tensor mixed = b.add(b.mul(aTail, ramp(e, true, e)), b.mul(tHead, ramp(e, false, e)));
        return e == t.dim(3) ? mixed : b.concat(3, mixed, b.slice(t, 3, e, t.dim(3)));
    }

    /** Weights y/e (or 1 - y/e for the outgoing tile) for y = 0..e-1, shaped to broadcast along rows or columns. */
    private Tensor ramp(int e, boolean outgoing, int... shape) {
        float[] r = new float[e];
        for (int y = 0; y < e; y++) {
            double f = (double) y / e;
            r[y] = (float) (outgoing ? 1.0 - f : f);
        }
        return b.upload(Tensor.of(r, shape));
    }
}
