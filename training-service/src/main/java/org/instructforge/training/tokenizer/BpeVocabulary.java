package org.instructforge.training.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A trained byte-level BPE: tokens by id (256 bytes, one per merge, then {@code <|endoftext|>} last, as in GPT-2) and
 * the merges in rank order. Writes the files Hugging Face's {@code GPT2TokenizerFast.save_pretrained} writes, so
 * transformers, the tokenizers library and DJL's binding load it like GPT-2's own.
 *
 * @param tokens token strings in byte-level spelling ({@code Ġ} is a space), index = id
 * @param merges merged pairs, highest priority first
 */
public record BpeVocabulary(List<String> tokens, List<String[]> merges) {

    public static final String END_OF_TEXT = "<|endoftext|>";
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public BpeVocabulary {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
    }

    public int size() {
        return tokens.size();
    }

    public int endOfTextId() {
        return tokens.indexOf(END_OF_TEXT);
    }

    /** Writes tokenizer.json, vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode vocab = JSON.createObjectNode();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        ArrayNode mergeLines = JSON.createArrayNode();
        StringBuilder mergesTxt = new StringBuilder("#version: 0.2\n");
        for (String[] m : merges) {
            mergeLines.add(m[0] + " " + m[1]);
            mergesTxt.append(m[0]).append(' ').append(m[1]).append('\n');
        }

        // tokenizer.json: GPT-2's pipeline (ByteLevel pre-tokenizer, post-processor and decoder), our vocab + merges.
        ObjectNode t = JSON.createObjectNode();
        t.put("version", "1.0");
        t.putNull("truncation");
        t.putNull("padding");
        ObjectNode eot = t.putArray("added_tokens").addObject();
        eot.put("id", endOfTextId());
        eot.put("content", END_OF_TEXT);
        eot.put("single_word", false);
        eot.put("lstrip", false);
        eot.put("rstrip", false);
        eot.put("normalized", true);
        eot.put("special", true);
        t.putNull("normalizer");
        byteLevel(t.putObject("pre_tokenizer"), false, true);
        byteLevel(t.putObject("post_processor"), true, false);
        byteLevel(t.putObject("decoder"), true, true);
        ObjectNode model = t.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.set("merges", mergeLines);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), t);

        JSON.writeValue(dir.resolve("vocab.json").toFile(), vocab);
        Files.writeString(dir.resolve("merges.txt"), mergesTxt, StandardCharsets.UTF_8);

        ObjectNode config = JSON.createObjectNode();
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder").putObject(Integer.toString(endOfTextId()));
        decoder.put("content", END_OF_TEXT);
        decoder.put("lstrip", false);
        decoder.put("normalized", true);
        decoder.put("rstrip", false);
        decoder.put("single_word", false);
        decoder.put("special", true);
        config.put("bos_token", END_OF_TEXT);
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", END_OF_TEXT);
        config.put("model_max_length", 1024);
        config.put("tokenizer_class", "GPT2Tokenizer");
        config.put("unk_token", END_OF_TEXT);
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);

        ObjectNode special = JSON.createObjectNode();
        special.put("bos_token", END_OF_TEXT);
        special.put("eos_token", END_OF_TEXT);
        special.put("unk_token", END_OF_TEXT);
        JSON.writeValue(dir.resolve("special_tokens_map.json").toFile(), special);
    }

    private static void byteLevel(ObjectNode node, boolean addPrefixSpace, boolean trimOffsets) {
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
    }
}
