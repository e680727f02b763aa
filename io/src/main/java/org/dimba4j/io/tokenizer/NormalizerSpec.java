package org.dimba4j.io.tokenizer;

/**
 * The normalization settings of a SentencePiece model ({@code normalizer_spec} in spiece.model).
 *
 * @param charsMap the precompiled rules (e.g. "nmt_nfkc"), or null for the identity
 * @param addDummyPrefix prepend a space, so "world" and "hello world" both give "▁world"
 * @param removeExtraWhitespaces drop leading and trailing spaces and collapse runs of spaces
 * @param escapeWhitespaces write spaces as U+2581 (the metaspace "▁")
 */
record NormalizerSpec(PrecompiledCharsMap charsMap, boolean addDummyPrefix, boolean removeExtraWhitespaces,
                      boolean escapeWhitespaces) {}
