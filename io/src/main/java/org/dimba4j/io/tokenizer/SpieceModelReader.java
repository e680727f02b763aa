package org.dimba4j.io.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a SentencePiece {@code spiece.model} (a serialized {@code sentencepiece.ModelProto}).
 *
 * <p>Parsing uses protobuf-java's {@link DynamicMessage} with a descriptor declared here for just the fields
 * we read (field numbers from sentencepiece_model.proto). Why this way: the wire format stays with a
 * well-kept library (varints, packed/unknown fields, malformed input are its problem, not ours), no protoc
 * step or generated sources enter the build, and fields we do not declare are kept as unknown fields and
 * ignored, so newer spiece.model files still load.
 */
final class SpieceModelReader {
    private static final Descriptors.Descriptor MODEL_PROTO = buildDescriptor();
    /** T5Tokenizer's default number of sentinel tokens {@code <extra_id_i>}. */
    private static final int T5_EXTRA_IDS = 100;

    private SpieceModelReader() {}

    private static FieldDescriptorProto field(String name, int number, Type type, Label label, String typeName, String dflt) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(label);
        if (typeName != null) b.setTypeName(typeName);
        if (dflt != null) b.setDefaultValue(dflt);
        return b.build();
    }

    private static FieldDescriptorProto opt(String name, int number, Type type, String dflt) {
        return field(name, number, type, Label.LABEL_OPTIONAL, null, dflt);
    }

    private static Descriptors.Descriptor buildDescriptor() {
        // piece type is declared int32: an enum would reject numbers added in later versions
        DescriptorProto piece = DescriptorProto.newBuilder().setName("SentencePiece")
                .addField(opt("piece", 1, Type.TYPE_STRING, null))
                .addField(opt("score", 2, Type.TYPE_FLOAT, null))
                .addField(opt("type", 3, Type.TYPE_INT32, "1"))
                .build();
        DescriptorProto trainer = DescriptorProto.newBuilder().setName("TrainerSpec")
                .addField(opt("model_type", 3, Type.TYPE_INT32, "1"))
                .addField(opt("treat_whitespace_as_suffix", 24, Type.TYPE_BOOL, "false"))
                .addField(opt("byte_fallback", 35, Type.TYPE_BOOL, "false"))
                .addField(opt("unk_id", 40, Type.TYPE_INT32, "0"))
                .addField(opt("bos_id", 41, Type.TYPE_INT32, "1"))
                .addField(opt("eos_id", 42, Type.TYPE_INT32, "2"))
                .addField(opt("pad_id", 43, Type.TYPE_INT32, "-1"))
                .build();
        DescriptorProto normalizer = DescriptorProto.newBuilder().setName("NormalizerSpec")
                .addField(opt("name", 1, Type.TYPE_STRING, null))
                .addField(opt("precompiled_charsmap", 2, Type.TYPE_BYTES, null))
                .addField(opt("add_dummy_prefix", 3, Type.TYPE_BOOL, "true"))
                .addField(opt("remove_extra_whitespaces", 4, Type.TYPE_BOOL, "true"))
                .addField(opt("escape_whitespaces", 5, Type.TYPE_BOOL, "true"))
                .build();
        DescriptorProto model = DescriptorProto.newBuilder().setName("ModelProto")
                .addNestedType(piece)
                .addField(field("pieces", 1, Type.TYPE_MESSAGE, Label.LABEL_REPEATED, ".sentencepiece.ModelProto.SentencePiece", null))
                .addField(field("trainer_spec", 2, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".sentencepiece.TrainerSpec", null))
                .addField(field("normalizer_spec", 3, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, ".sentencepiece.NormalizerSpec", null))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("sentencepiece_model_subset.proto")
                .setPackage("sentencepiece").setSyntax("proto2")
                .addMessageType(trainer).addMessageType(normalizer).addMessageType(model).build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]).findMessageTypeByName("ModelProto");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException("bad built-in ModelProto descriptor", e);
        }
    }

    static SentencePieceTokenizer read(Path path) {
        return read(path, false);
    }

    /** {@code transformersSpecialTokens}: also match T5Tokenizer's special tokens verbatim, see {@link #specialTokens}. */
    static SentencePieceTokenizer read(Path path, boolean transformersSpecialTokens) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SentencePiece model " + path + ": " + e.getMessage(), e);
        }
        DynamicMessage m;
        try {
            m = DynamicMessage.parseFrom(MODEL_PROTO, bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(path + ": not a SentencePiece model (protobuf parse failed: " + e.getMessage() + ")", e);
        }
        String source = path.toString();
        DynamicMessage trainer = (DynamicMessage) get(m, "trainer_spec");
        int modelType = (Integer) get(trainer, "model_type");
        if (modelType != 1) throw new IllegalArgumentException(source + ": model_type " + modelType + " is not Unigram (1); only Unigram models are supported");
        if ((Boolean) get(trainer, "treat_whitespace_as_suffix")) {
            throw new IllegalArgumentException(source + ": treat_whitespace_as_suffix models are not supported");
        }
        @SuppressWarnings("unchecked")
        List<DynamicMessage> ps = (List<DynamicMessage>) get(m, "pieces");
        if (ps.isEmpty()) throw new IllegalArgumentException(source + ": the model has no pieces");
        String[] pieces = new String[ps.size()];
        float[] scores = new float[ps.size()];
        PieceType[] types = new PieceType[ps.size()];
        int unk = -1;
        for (int i = 0; i < pieces.length; i++) {
            DynamicMessage p = ps.get(i);
            pieces[i] = (String) get(p, "piece");
            scores[i] = (Float) get(p, "score");
            types[i] = PieceType.fromProto((Integer) get(p, "type"));
            if (types[i] == PieceType.UNKNOWN && unk < 0) unk = i;
        }
        if (unk < 0) throw new IllegalArgumentException(source + ": the model has no <unk> piece");
        DynamicMessage ns = (DynamicMessage) get(m, "normalizer_spec");
        ByteString charsmap = (ByteString) get(ns, "precompiled_charsmap");
        NormalizerSpec spec = new NormalizerSpec(
                charsmap.isEmpty() ? null : PrecompiledCharsMap.parse(charsmap.toByteArray(), source),
                (Boolean) get(ns, "add_dummy_prefix"), (Boolean) get(ns, "remove_extra_whitespaces"),
                (Boolean) get(ns, "escape_whitespaces"));
        UnigramModel model = new UnigramModel(pieces, scores, types, unk, UnigramModel.Flavor.SENTENCEPIECE);
        int eos = (Integer) get(trainer, "eos_id"), pad = (Integer) get(trainer, "pad_id");
        SentencePieceNormalizer normalizer = new SentencePieceNormalizer(spec);
        checkId(eos, pieces.length, "eos_id", source);
        if (pad >= 0) checkId(pad, pieces.length, "pad_id", source);
        return new SentencePieceTokenizer(model, text -> {
            String s = normalizer.normalize(text);
            return s.isEmpty() ? List.of() : List.of(s);
        }, (Boolean) get(trainer, "byte_fallback"), transformersSpecialTokens ? specialTokens(path, pieces, pad, eos, unk) : List.of(), eos,
                pad < 0 ? 0 : pad, source);
    }

    /**
     * The tokens transformers' T5Tokenizer matches verbatim in the raw text before sentencepiece sees it, so that
     * a literal {@code "</s>"} in a prompt is id 1 (sentencepiece alone would spell it out): {@code <pad>},
     * {@code </s>}, {@code <unk>} and the {@code extra_ids} sentinels {@code <extra_id_i>} = vocabulary size +
     * extra_ids - 1 - i (their count from a tokenizer_config.json beside the model, else T5Tokenizer's 100).
     */
    private static List<SentencePieceTokenizer.AddedToken> specialTokens(Path path, String[] pieces, int pad, int eos, int unk) {
        List<SentencePieceTokenizer.AddedToken> added = new ArrayList<>();
        for (int id : new int[] {pad, eos, unk}) {
            if (id >= 0) added.add(new SentencePieceTokenizer.AddedToken(pieces[id], id));
        }
        int extraIds = extraIds(path);
        for (int i = 0; i < extraIds; i++) {
            added.add(new SentencePieceTokenizer.AddedToken("<extra_id_" + i + ">", pieces.length + extraIds - 1 - i));
        }
        return added;
    }

    private static int extraIds(Path model) {
        Path config = model.toAbsolutePath().resolveSibling("tokenizer_config.json");
        if (!Files.isRegularFile(config)) return T5_EXTRA_IDS;
        try {
            JsonNode n = new ObjectMapper().readTree(config.toFile()).path("extra_ids");
            return n.canConvertToInt() && n.asInt() >= 0 ? n.asInt() : T5_EXTRA_IDS;
        } catch (IOException e) {
            throw new UncheckedIOException(config + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int checkId(int id, int size, String what, String source) {
        if (id < 0 || id >= size) throw new IllegalArgumentException(source + ": " + what + " " + id + " is outside the vocabulary of " + size);
        return id;
    }

    private static Object get(DynamicMessage m, String name) {
        return m.getField(m.getDescriptorForType().findFieldByName(name));
    }
}
