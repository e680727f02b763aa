package org.dimba4j.infer.grid;

import org.dimba4j.io.image.RgbImage;

import java.util.List;

/**
 * Tiles equally sized images into one picture, row by row, with a gap of background between cells and each image
 * enlarged by an integer factor with nearest-neighbour sampling (so small images stay sharp in a README).
 */
public record ImageGrid(int columns, int scale, int gap, int background) {
    public ImageGrid {
        if (columns < 1) throw new IllegalArgumentException("a grid needs at least one column, not " + columns);
        if (scale < 1 || scale > 16) throw new IllegalArgumentException("grid scale must be in 1..16, not " + scale);
        if (gap < 0 || gap > 64) throw new IllegalArgumentException("grid gap must be in 0..64, not " + gap);
    }

    public RgbImage tile(List<RgbImage> cells) {
        if (cells.isEmpty()) throw new IllegalArgumentException("a grid needs at least one image");
        int w = cells.get(0).width(), h = cells.get(0).height();
        for (RgbImage c : cells) {
            if (c.width() != w || c.height() != h) {
                throw new IllegalArgumentException("grid cells differ in size: " + w + "x" + h + " and " + c.width() + "x" + c.height());
            }
        }
        int cols = Math.min(columns, cells.size()), rows = (cells.size() + columns - 1) / columns;
        int cw = w * scale, ch = h * scale;
        int outW = cols * cw + (cols + 1) * gap, outH = rows * ch + (rows + 1) * gap;
        byte[] out = new byte[3 * outW * outH];
        byte bg = (byte) background;
        java.util.Arrays.fill(out, bg);
        for (int i = 0; i < cells.size(); i++) {
            RgbImage c = cells.get(i);
            int x0 = gap + (i % columns) * (cw + gap), y0 = gap + (i / columns) * (ch + gap);
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    int src = ((y / scale) * w + x / scale) * 3, dst = ((y0 + y) * outW + x0 + x) * 3;
                    out[dst] = c.rgb()[src];
                    out[dst + 1] = c.rgb()[src + 1];
                    out[dst + 2] = c.rgb()[src + 2];
                }
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
