package org.dimba4j.infer.cli;

import org.dimba4j.io.tokenizer.SentencePieceTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * {@code dimba tokenize}: prints the T5 token ids of each text, one line per text, ids separated by single
 * spaces, {@code </s>} appended, no padding. With {@code --max-length} a longer text is cut to N ids with
 * {@code </s>} kept last (and a warning on stderr).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the T5 token ids of each text (one line per text, </s> appended, no padding).")
public final class TokenizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
            description = "spiece.model, tokenizer.json, or a folder holding one (tokenizer.json preferred).")
    Path tokenizer;

    @Option(names = "--max-length", paramLabel = "N", description = "Cut each text to at most N ids, </s> kept last.")
    Integer maxLength;

    @Option(names = "--input-file", paramLabel = "FILE", description = "Read the texts from FILE, one per line (UTF-8).")
    Path inputFile;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to tokenize (or use --input-file).")
    List<String> texts;

    /** The validated options. */
    record Options(Path tokenizer, Integer maxLength, List<String> texts) {}

    Options options() {
        boolean haveTexts = texts != null && !texts.isEmpty();
        if (haveTexts && inputFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either TEXT... or --input-file, not both");
        }
        if (!haveTexts && inputFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give TEXT... or --input-file FILE");
        }
        if (maxLength != null && maxLength < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-length must be at least 1, got " + maxLength);
        }
        return new Options(tokenizer, maxLength, haveTexts ? texts : readLines(inputFile));
    }

    private static List<String> readLines(Path file) {
        try {
            // one text per line; a final newline does not add an empty text, but an empty line inside is one
            return Files.readString(file, StandardCharsets.UTF_8).lines().toList();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--input-file " + file + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException("--input-file " + file + " is not UTF-8 text (invalid byte sequence)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --input-file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        Options o = options();
        SentencePieceTokenizer tok = SentencePieceTokenizer.loadAsTransformers(o.tokenizer());
        PrintWriter out = spec.commandLine().getOut();
        for (String text : o.texts()) {
            int[] ids = o.maxLength() == null ? tok.encode(text) : tok.encode(text, o.maxLength());
            StringJoiner line = new StringJoiner(" ");
            for (int id : ids) line.add(Integer.toString(id));
            out.println(line);
        }
        out.flush();
        return 0;
    }
}
