package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Running the decoder (or encoder) over a large input in overlapping tiles, as diffusers' AutoencoderKL
 * tiled_decode and _tiled_encode: input tiles of {@code inTile} cells start every {@code inTile * (1 - overlap)}
 * cells; each output tile is blended into the tile above it and the tile to its left with linear ramps over
 * {@code outTile * overlap} output cells, then cropped to its first {@code outTile - blend} rows and columns.
 * Tiles are blended in place in raster order, so a tile's neighbours are already blended when it is: the same
 * order diffusers uses.
 *
 * <p>Only the previous row of output tiles is kept, so memory is one tile's activations plus two rows of output
 * tiles and the result, whatever the image size.
 */
final class Tiling {
    private final Backend b;
    private final UnaryOperator<Tensor> runTile;
    private final int inTile;
    private final int stride;
    private final int blend;
    private final int rowLimit;

    /**
     * @param inTile  the input tile size (latent cells when decoding, pixels when encoding)
     * @param outTile the output size of a full tile
     * @param overlap diffusers' tile_overlap_factor (0.25)
     */
    private Tiling(Backend b, UnaryOperator<Tensor> runTile, int inTile, int outTile, float overlap) {
        if (inTile < 1 || overlap < 0f || overlap >= 1f) {
            throw new IllegalArgumentException("tiling needs a tile of at least one cell and an overlap in [0, 1), got tile "
                    + inTile + ", overlap " + overlap);
        }
        this.b = b;
        this.runTile = runTile;
        this.inTile = inTile;
        // Python's int(float) truncation, as diffusers computes these
        this.stride = Math.max(1, (int) (inTile * (1.0 - overlap)));
        this.blend = (int) (outTile * (double) overlap);
        this.rowLimit = outTile - blend;
    }

    /** Decoding: latent tiles of tileSample / factor cells, image tiles of tileSample pixels. */
    static Tiling decoding(Backend b, UnaryOperator<Tensor> decodeTile, int tileSample, int factor, float overlap) {
        return new Tiling(b, decodeTile, tileSample / factor, tileSample, overlap);
    }

    /** Encoding: image tiles of tileSample pixels, latent tiles of tileSample / factor cells. */
    static Tiling encoding(Backend b, UnaryOperator<Tensor> encodeTile, int tileSample, int factor, float overlap) {
        return new Tiling(b, encodeTile, tileSample, tileSample / factor, overlap);
    }

    Tensor run(Tensor x) {
        int h = x.dim(2), w = x.dim(3);
        List<Tensor> strips = new ArrayList<>();
        List<Tensor> above = null;
        for (int i = 0; i < h; i += stride) {
            List<Tensor> row = new ArrayList<>();
            for (int j = 0; j < w; j += stride) {
                Tensor in = b.slice(b.slice(x, 2, i, Math.min(i + inTile, h)), 3, j, Math.min(j + inTile, w));
                Tensor tile = runTile.apply(in);
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
