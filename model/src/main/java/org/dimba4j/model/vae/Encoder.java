package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers vae.Encoder (double_z): image [N, 3, H, W] -> posterior moments [N, 2*latent, H/f, W/f].
 * conv_in -> down blocks (each but the last halves H and W) -> mid block -> GroupNorm -> SiLU -> conv_out.
 */
final class Encoder {
    private final Conv2d convIn;
    private final List<DownEncoderBlock2D> downBlocks;
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    private Encoder(Conv2d convIn, List<DownEncoderBlock2D> downBlocks, UNetMidBlock2D midBlock, GroupNorm convNormOut, Conv2d convOut) {
        this.convIn = convIn;
        this.downBlocks = downBlocks;
        this.midBlock = midBlock;
        this.convNormOut = convNormOut;
        this.convOut = convOut;
    }

    static Encoder load(VaeWeights w, String prefix, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int groups = c.normNumGroups(), last = ch[ch.length - 1];
        Conv2d convIn = Conv2d.load(w, prefix + ".conv_in", c.inChannels(), ch[0], 3, 1, 1);
        List<DownEncoderBlock2D> blocks = new ArrayList<>();
        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            blocks.add(DownEncoderBlock2D.load(w, prefix + ".down_blocks." + i, in, out, c.layersPerBlock(), groups, i < ch.length - 1));
        }
        return new Encoder(convIn, List.copyOf(blocks),
                UNetMidBlock2D.load(w, prefix + ".mid_block", last, groups, c.midBlockAddAttention()),
                GroupNorm.load(w, prefix + ".conv_norm_out", groups, last),
                Conv2d.load(w, prefix + ".conv_out", last, 2 * c.latentChannels(), 3, 1, 1));
    }

    Tensor forward(Backend b, Tensor x) {
        Tensor h = convIn.forward(b, x);
        for (DownEncoderBlock2D block : downBlocks) h = block.forward(b, h);
        h = midBlock.forward(b, h);
        return convOut.forward(b, b.silu(convNormOut.forward(b, h)));
    }
}
