package org.dimba4j.io.torch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malicious pickles are refused by name before anything runs; damaged archives get a clear message. */
class TorchCheckpointSafetyTest {
    static final Path DIR = TorchCheckpointTest.DIR;

    @ParameterizedTest
    @CsvSource({
            "malicious_os_system.pt, posix.system",
            "malicious_builtins_eval.pt, __builtin__.eval",
            "malicious_subprocess.pt, commands.call", // pickle's Python 2 name for subprocess.call
            "malicious_import.pt, __builtin__.__import__",
    })
    void dangerousGlobalsAreRefusedByName(String file, String global) {
        Path p = DIR.resolve(file);
        var e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.open(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("refusing global '" + global + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("data.pkl at byte"), "refused while reading the pickle: " + e.getMessage());
        assertFalse(Files.exists(Path.of("/tmp/dimba4j-pwned")));
    }

    @ParameterizedTest
    @CsvSource({
            "corrupt_truncated.pt, end-of-central-directory",
            "corrupt_empty.pt, too short",
            "corrupt_not_zip.pt, end-of-central-directory",
            "corrupt_missing_storage.pt, is missing",
            "corrupt_short_storage.pt, elements need",
            "corrupt_pickle_truncated.pt, truncated",
            "corrupt_big_endian.pt, byteorder 'big'",
            "corrupt_no_pickle.pt, no <name>/data.pkl",
            "legacy.pt, legacy (pre-1.6",
    })
    void damagedArchivesAreNamed(String file, String problem) {
        Path p = DIR.resolve(file);
        var e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.open(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static Object unpickle(String hex) {
        return Unpickler.load(java.util.HexFormat.of().parseHex(hex.replace(" ", "")), "t.pkl");
    }

    private static void refused(String hex, String problem) {
        var e = assertThrows(TorchCheckpointException.class, () -> unpickle(hex));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void objectBuildingOpcodesAreRefused() {
        refused("80 02 28 69 6f 73 0a 73 79 73 74 65 6d 0a 2e", "unsupported pickle opcode 0x69 ('i')"); // INST os system
        refused("80 02 28 6f 2e", "unsupported pickle opcode 0x6f ('o')"); // OBJ
        refused("80 02 82 01 2e", "unsupported pickle opcode 0x82"); // EXT1
        refused("80 04 8c 02 6f 73 8c 06 73 79 73 74 65 6d 93 2e", "refusing global 'os.system'"); // STACK_GLOBAL
        refused("80 02 4e 29 52 2e", "call of None"); // None() via REDUCE
        refused("80 02 63 74 6f 72 63 68 0a 46 6c 6f 61 74 53 74 6f 72 61 67 65 0a 29 52 2e", "cannot be called");
        refused("80 02 5d 4b 01 51 2e", "persistent id is not"); // BINPERSID of an int
    }

    @Test
    void hostileStructuresFailCleanly() {
        refused("80 02 58 ff ff ff 7f 61 2e", "runs past the end"); // BINUNICODE claiming 2 GB
        refused("80 02 8b ff ff ff ff 2e", "runs past the end"); // LONG4 claiming 4 GB
        refused("80 02 68 05 2e", "memo key 5 was never stored");
        refused("80 02 28 2e", "STOP with");
        refused("80 02 7d 5d 4b 01 73 2e", "unsupported dict key"); // {[]: 1}
        refused("80 02 4b 01 61 2e", "stack is empty");
        refused("80 02 4b 01 4b 02 61 2e", "APPEND to Long");
        refused("80 02", "truncated");
        // a list that contains itself is a legal pickle; it just holds no tensors
        Object o = unpickle("80 02 5d 71 00 68 00 61 2e");
        assertTrue(o instanceof java.util.List<?>);
    }
}
