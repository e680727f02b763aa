package org.dimba4j.io.torch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a zip archive held in memory (a mapped file), as zero-copy slices. {@code torch.save} stores every
 * entry uncompressed (and pads local headers so storages start 64-byte aligned), so a stored entry's bytes can be
 * used in place; compressed or encrypted entries are refused. Zip64 records (archives over 4 GiB) are understood.
 * Every offset read from the archive is bounds-checked before use.
 */
final class StoredZip {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int EOCD = 0x06054b50, ZIP64_LOCATOR = 0x07064b50, ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

    private final String source;
    private final MemorySegment file;
    private final Map<String, MemorySegment> entries = new LinkedHashMap<>();

    private StoredZip(String source, MemorySegment file) {
        this.source = source;
        this.file = file;
    }

    static StoredZip read(MemorySegment file, String source) {
        StoredZip z = new StoredZip(source, file);
        z.readCentralDirectory();
        return z;
    }

    /** Entry name -> its stored bytes. */
    Map<String, MemorySegment> entries() {
        return Collections.unmodifiableMap(entries);
    }

    private void readCentralDirectory() {
        long size = file.byteSize();
        if (size < 22) throw bad("file is " + size + " bytes, too short for a zip archive (truncated?)");
        long eocd = -1;
        for (long p = size - 22; p >= Math.max(0, size - 22 - 65535); p--) {
            if (file.get(U32, p) == EOCD) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) throw bad("no zip end-of-central-directory record (truncated or not a zip archive)");
        long count = u16(eocd + 10), cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16);
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long loc = eocd - 20;
            if (loc < 0 || file.get(U32, loc) != ZIP64_LOCATOR) throw bad("zip64 archive without a zip64 locator");
            long z64 = u64(loc + 8);
            if (z64 < 0 || z64 > size - 56 || file.get(U32, z64) != ZIP64_EOCD) throw bad("zip64 end record out of place");
            count = u64(z64 + 32);
            cdSize = u64(z64 + 40);
            cdOffset = u64(z64 + 48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
            throw bad("central directory [" + cdOffset + ", +" + cdSize + ") lies outside the " + size + "-byte file");
        }
        if (count < 0 || count > cdSize / 46) throw bad("central directory claims " + count + " entries in " + cdSize + " bytes");
        long p = cdOffset, end = cdOffset + cdSize;
        for (long i = 0; i < count; i++) {
            need(p, 46, end, "central directory entry " + i);
            if (file.get(U32, p) != CENTRAL) throw bad("central directory entry " + i + " has a bad signature");
            int flags = u16(p + 8), method = u16(p + 10);
            long compressed = u32(p + 20), uncompressed = u32(p + 24);
            int nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32);
            long local = u32(p + 42);
            need(p + 46, (long) nameLen + extraLen + commentLen, end, "central directory entry " + i);
            String name = new String(file.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // zip64 extra field: the 64-bit values of whichever fields hold 0xffffffff, in this order
            long q = p + 46 + nameLen, extraEnd = q + extraLen;
            while (q + 4 <= extraEnd) {
                int id = u16(q), len = u16(q + 2);
                if (q + 4 + len > extraEnd) throw bad("entry '" + name + "' has a malformed extra field");
                if (id == 1) {
                    long r = q + 4;
                    if (uncompressed == 0xffffffffL) { need(r, 8, q + 4 + len, name); uncompressed = u64(r); r += 8; }
                    if (compressed == 0xffffffffL) { need(r, 8, q + 4 + len, name); compressed = u64(r); r += 8; }
                    if (local == 0xffffffffL) { need(r, 8, q + 4 + len, name); local = u64(r); }
                }
                q += 4 + len;
            }
            if ((flags & 1) != 0) throw bad("entry '" + name + "' is encrypted");
            if (method != 0) throw bad("entry '" + name + "' is compressed (method " + method + "); torch.save stores entries uncompressed");
            if (compressed != uncompressed) throw bad("stored entry '" + name + "' has sizes " + compressed + " and " + uncompressed);
            entries.put(name, localData(name, local, compressed));
            if (entries.size() != i + 1) throw bad("duplicate zip entry '" + name + "'");
            p += 46 + nameLen + extraLen + commentLen;
        }
    }

    private MemorySegment localData(String name, long local, long length) {
        long size = file.byteSize();
        if (local < 0 || local > size - 30) throw bad("entry '" + name + "' local header at " + local + " is outside the file");
        if (file.get(U32, local) != LOCAL) throw bad("entry '" + name + "' local header has a bad signature");
        long data = local + 30 + u16(local + 26) + u16(local + 28);
        if (length < 0 || data > size || length > size - data) {
            throw bad("entry '" + name + "' data [" + data + ", +" + length + ") runs past the end of the " + size + "-byte file (truncated?)");
        }
        return file.asSlice(data, length);
    }

    private void need(long at, long n, long end, String what) {
        if (at + n > end || at + n > file.byteSize()) throw bad(what + " runs past the end of its record (truncated?)");
    }

    private int u16(long at) {
        return file.get(U16, at) & 0xffff;
    }

    private long u32(long at) {
        return file.get(U32, at) & 0xffffffffL;
    }

    private long u64(long at) {
        return file.get(U64, at);
    }

    private TorchCheckpointException bad(String what) {
        return new TorchCheckpointException(source + ": " + what);
    }
}
