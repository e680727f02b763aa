package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers vae.Decoder: latents [N, latent, h, w] -> image [N, 3, h*f, w*f].
 * conv_in -> mid block -> up blocks (widest first, each but the last doubles H and W; one more resnet per
 * block than the encoder) -> GroupNorm -> SiLU -> conv_out.
 */
final class Decoder {
    private final Conv2d convIn;
    private final UNetMidBlock2D midBlock;
    private final List<UpDecoderBlock2D> upBlocks;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    private Decoder(Conv2d convIn, UNetMidBlock2D midBlock, List<UpDecoderBlock2D> upBlocks, GroupNorm convNormOut, Conv2d convOut) {
        this.convIn = convIn;
        this.midBlock = midBlock;
        this.upBlocks = upBlocks;
        this.convNormOut = convNormOut;
        this.convOut = convOut;
    }

    static Decoder load(VaeWeights w, String prefix, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int groups = c.normNumGroups(), n = ch.length, last = ch[n - 1];
        Conv2d convIn = Conv2d.load(w, prefix + ".conv_in", c.latentChannels(), last, 3, 1, 1);
        UNetMidBlock2D mid = UNetMidBlock2D.load(w, prefix + ".mid_block", last, groups, c.midBlockAddAttention());
        List<UpDecoderBlock2D> blocks = new ArrayList<>();
        int out = last;
        for (int i = 0; i < n; i++) {
            int in = out;
            out = ch[n - 1 - i];
            blocks.add(UpDecoderBlock2D.load(w, prefix + ".up_blocks." + i, in, out, c.layersPerBlock() + 1, groups, i < n - 1));
        }
        return new Decoder(convIn, mid, List.copyOf(blocks),
                GroupNorm.load(w, prefix + ".conv_norm_out", groups, ch[0]),
                Conv2d.load(w, prefix + ".conv_out", ch[0], c.outChannels(), 3, 1, 1));
    }

    Tensor forward(Backend b, Tensor z) {
        Tensor h = midBlock.forward(b, convIn.forward(b, z));
        for (UpDecoderBlock2D block : upBlocks) h = block.forward(b, h);
        return convOut.forward(b, b.silu(convNormOut.forward(b, h)));
    }
}
