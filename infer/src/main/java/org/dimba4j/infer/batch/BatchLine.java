package org.dimba4j.infer.batch;

/**
 * One line of a prompts file ({@code dimba generate-batch --prompts FILE.jsonl}), as written: every field but the
 * prompt is optional (null: the command's default).
 *
 * @param number         1-based line number in the file (names the output when there is no id)
 * @param index          0-based index among the file's non-blank lines: decides the shard ({@code index % N})
 * @param id             the output's file stem, or null for the line number
 * @param prompt         the text to draw
 * @param negativePrompt or null
 * @param seed           torch seed (64 bits as torch keeps it), or null
 */
public record BatchLine(int number, int index, String id, String prompt, String negativePrompt, Long seed,
                        Integer width, Integer height, Integer steps, Double guidance) {

    /** The output's file stem: the id, else the line number. */
    public String name() {
        return id != null ? id : Integer.toString(number);
    }

    public String pngName() {
        return name() + ".png";
    }
}
