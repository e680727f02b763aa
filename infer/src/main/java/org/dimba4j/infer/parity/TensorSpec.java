package org.dimba4j.infer.parity;

import java.util.ArrayList;
import java.util.List;

/**
 * One named input of a component, as the {@code dimba forward} contract states it: a dtype kind and a shape
 * whose dimensions are either fixed numbers ("3") or symbols shared between tensors ("B", "L").
 *
 * @param name      the tensor name in the inputs file
 * @param integer   true for ids and masks (I64 in the contract, I32 accepted), false for float data
 * @param dims      one entry per dimension: a symbol or a decimal number
 * @param optional  whether the tensor may be left out
 * @param divisibleBy for each dimension, a divisor its size must have (1 = none)
 */
public record TensorSpec(String name, boolean integer, List<String> dims, boolean optional, List<Integer> divisibleBy) {

    public static TensorSpec floats(String name, String... dims) {
        return new TensorSpec(name, false, List.of(dims), false, ones(dims.length));
    }

    public static TensorSpec longs(String name, String... dims) {
        return new TensorSpec(name, true, List.of(dims), false, ones(dims.length));
    }

    public TensorSpec asOptional() {
        return new TensorSpec(name, integer, dims, true, divisibleBy);
    }

    /** The same spec with dimension {@code dim} required to be a multiple of {@code divisor}. */
    public TensorSpec divisible(int dim, int divisor) {
        List<Integer> d = new ArrayList<>(divisibleBy);
        d.set(dim, divisor);
        return new TensorSpec(name, integer, dims, optional, List.copyOf(d));
    }

    /** The declared dtype, as the contract writes it. */
    public String dtypeName() {
        return integer ? "I64" : "F32";
    }

    private static List<Integer> ones(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(1);
        return List.copyOf(l);
    }
}
