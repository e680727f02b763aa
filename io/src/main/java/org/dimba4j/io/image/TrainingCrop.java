package org.dimba4j.io.image;

/**
 * The training-image transform of PixArt-alpha / Dimba ({@code T.Resize(size), T.CenterCrop(size)} on a PIL
 * image): scale so the shorter side is {@code size} (the longer one truncated, as torchvision computes it) with
 * Pillow's bilinear filter, then cut the centred size x size square.
 */
public final class TrainingCrop {
    private TrainingCrop() {}

    public static RgbImage apply(RgbImage img, int size) {
        return centerCrop(resizeShorterSide(img, size), size, size);
    }

    /**
     * Dimba's own training transform (scripts/train.py): {@code transforms.Resize(size)} then ADM's
     * {@code center_crop_arr(img, size)}. After the resize the shorter side is already {@code size}, so
     * center_crop_arr's halving loop and its bicubic rescale by exactly 1 leave the picture as it is (Pillow
     * returns a copy for a same-size resize); what remains is its crop, whose offsets are floored, not rounded
     * like torchvision's CenterCrop.
     */
    public static RgbImage official(RgbImage img, int size) {
        RgbImage r = resizeShorterSide(img, size);
        return crop(r, (r.width() - size) / 2, (r.height() - size) / 2, size, size);
    }

    /** torchvision Resize(int): the shorter side becomes {@code size}, the longer int(size * long / short). */
    public static RgbImage resizeShorterSide(RgbImage img, int size) {
        if (size < 1) throw new IllegalArgumentException("resize size " + size + " must be positive");
        int w = img.width(), h = img.height();
        boolean wide = w > h;
        int shortSide = wide ? h : w, longSide = wide ? w : h;
        int newLong = (int) ((double) size * longSide / shortSide);
        int newW = wide ? newLong : size, newH = wide ? size : newLong;
        if (newW == w && newH == h) return img;
        return BilinearResize.resize(img, newW, newH);
    }

    /** torchvision CenterCrop: offsets round((in - out) / 2) with Python's half-to-even rounding. */
    public static RgbImage centerCrop(RgbImage img, int width, int height) {
        if (width > img.width() || height > img.height()) {
            throw new IllegalArgumentException("center crop " + width + "x" + height + " is larger than the "
                    + img.width() + "x" + img.height() + " image");
        }
        int top = (int) Math.rint((img.height() - height) / 2.0), left = (int) Math.rint((img.width() - width) / 2.0);
        return crop(img, left, top, width, height);
    }

    private static RgbImage crop(RgbImage img, int left, int top, int width, int height) {
        byte[] out = new byte[3 * width * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(img.rgb(), ((top + y) * img.width() + left) * 3, out, y * width * 3, width * 3);
        }
        return new RgbImage(width, height, out);
    }
}
