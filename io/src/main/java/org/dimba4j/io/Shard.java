package org.dimba4j.io;

/**
 * One of {@code count} disjoint parts of a list of work items, as {@code --shard index/count} names it: item k
 * (0-based, in file order) belongs to shard {@code k % count}. Any scheduler (a shell loop, Slurm array jobs,
 * Kubernetes indexed jobs) can run the shards independently; together they cover every item exactly once.
 *
 * @param index 0-based, below {@code count}
 * @param count at least 1; {@link #ALL} is shard 0/1
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1) throw new IllegalArgumentException("shard count " + count + " must be at least 1");
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index " + index + " must be in 0.." + (count - 1) + " for " + count + " shards");
        }
    }

    /** Parses {@code "i/N"}, e.g. {@code "0/4"}; the message names the value. */
    public static Shard parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("shard '" + text + "' must be INDEX/COUNT, e.g. 0/4");
        try {
            return new Shard(Integer.parseInt(text.substring(0, slash).trim()), Integer.parseInt(text.substring(slash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard '" + text + "' must be INDEX/COUNT with integers, e.g. 0/4");
        }
    }

    /** Whether item {@code k} (0-based) is this shard's. */
    public boolean owns(long k) {
        return Math.floorMod(k, count) == index;
    }

    public boolean isAll() {
        return count == 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
