package org.dimba4j.model.dimba;

/**
 * The named model sizes of feizc/Dimba as builders: {@code Dimba_L_2} (depth 28, hidden 1152, 16 heads) and
 * {@code Dimba_G_2} (depth 40, hidden 1408, 16 heads) from {@code diffusion/model/nets/dimba.py}, at an image size
 * as {@code configs/dimba_xl2_img512.py} sets it up: input_size = image_size / 8, pe_interpolation = image_size / 512
 * (the PixArt rule: 0.5, 1, 2 at 256, 512, 1024 px), model_max_length 300, T5-XXL captions (4096 channels). The
 * official repository ships only the 512 px config; 256 and 1024 follow the same rule (1024 matches the released
 * checkpoint's config in the resources). Callers can change any field before {@code build()}.
 */
public final class DimbaPresets {
    private DimbaPresets() {}

    /** Dimba-L/2 at 256, 512 or 1024 px. */
    public static DimbaConfigBuilder dimbaL(int imageSize) {
        return atImageSize(imageSize).depth(28).hiddenSize(1152).numHeads(16);
    }

    /** Dimba-G/2 at 256, 512 or 1024 px. */
    public static DimbaConfigBuilder dimbaG(int imageSize) {
        return atImageSize(imageSize).depth(40).hiddenSize(1408).numHeads(16);
    }

    /** The tiny test model of {@code models/tiny-reference/transformer} (2 blocks of width 32, 4 heads). */
    public static DimbaConfigBuilder tinyReference() {
        return DimbaConfig.builder().inputSize(8).hiddenSize(32).depth(2).numHeads(4).captionChannels(32)
                .peInterpolation(1).modelMaxLength(16);
    }

    private static DimbaConfigBuilder atImageSize(int imageSize) {
        if (imageSize != 256 && imageSize != 512 && imageSize != 1024) {
            throw new IllegalArgumentException("Dimba presets exist for 256, 512 and 1024 px images, not " + imageSize);
        }
        return DimbaConfig.builder().inputSize(imageSize / 8).patchSize(2).peInterpolation(imageSize / 512.0)
                .modelMaxLength(300).captionChannels(4096);
    }
}
