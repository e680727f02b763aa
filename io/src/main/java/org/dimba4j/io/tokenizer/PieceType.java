package org.dimba4j.io.tokenizer;

/** The kinds of vocabulary entry in a SentencePiece model (the {@code SentencePiece.Type} enum of spiece.model). */
enum PieceType {
    NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    /** The protobuf enum number. */
    static PieceType fromProto(int number) {
        return switch (number) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> throw new IllegalArgumentException("unknown SentencePiece piece type " + number);
        };
    }
}
