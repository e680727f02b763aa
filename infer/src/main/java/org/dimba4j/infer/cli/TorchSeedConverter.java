package org.dimba4j.infer.cli;

import picocli.CommandLine;

import java.math.BigInteger;

/**
 * A {@code --seed} as {@code torch.Generator().manual_seed} accepts it: any integer in
 * [-2^63, 2^64-1]. torch keeps the seed as an unsigned 64-bit value, so a negative seed and the unsigned
 * one with the same bits (-1 and 2^64-1) give the same noise; the value is returned as those 64 bits.
 */
public final class TorchSeedConverter implements CommandLine.ITypeConverter<Long> {
    private static final BigInteger MIN = BigInteger.ONE.shiftLeft(63).negate();
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    @Override
    public Long convert(String value) {
        BigInteger seed;
        try {
            seed = new BigInteger(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an integer");
        }
        if (seed.compareTo(MIN) < 0 || seed.compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is outside torch's seed range [-2^63, 2^64-1]");
        }
        return seed.longValue(); // two's complement: 2^64-1 -> -1, the same bits torch seeds MT19937 with
    }
}
