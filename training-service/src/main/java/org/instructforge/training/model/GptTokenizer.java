package org.instructforge.training.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * GPT-2's byte-level BPE from a local {@code tokenizer.json}, through DJL's binding of HF tokenizers.
 *
 * <p>Truncation and padding are switched off: DJL's defaults silently cut inputs to 512 tokens and pad batches,
 * and sequence lengths are the trainers' business here. GPT-2 adds no special tokens, so {@code <|endoftext|>} is
 * appended by the caller where a stage wants it.
 */
public final class GptTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private GptTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code tokenizer.json} from a checkpoint directory (or the file itself); never from the hub. */
    public static GptTokenizer load(Path dirOrFile) throws IOException {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IOException("No tokenizer.json at " + dirOrFile);
        }
        Map<String, String> options = Map.of(
                "truncation", "false",
                "padding", "false",
                "addSpecialTokens", "false");
        return new GptTokenizer(HuggingFaceTokenizer.newInstance(file, options));
    }

    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** Decodes ids back to text; special tokens such as {@code <|endoftext|>} are kept visible. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
