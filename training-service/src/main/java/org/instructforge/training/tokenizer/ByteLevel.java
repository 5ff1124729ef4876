package org.instructforge.training.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level pre-tokenization, as Hugging Face's {@code ByteLevel} pre-tokenizer does it: split text with
 * GPT-2's regex (a word keeps the space before it), then spell each piece's UTF-8 bytes with one printable character
 * per byte ({@code bytes_to_unicode} in openai/gpt-2 {@code encoder.py}: a space becomes {@code Ġ}).
 */
public final class ByteLevel {

    /** openai/gpt-2 encoder.py's pattern; Java's \p{L} and \p{N} match the Unicode classes the Rust regex uses. */
    static final Pattern GPT2_SPLIT =
            Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final char[] BYTE_TO_CHAR = bytesToUnicode();

    private ByteLevel() {}

    /** The pieces of {@code text} that BPE merges never cross. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = GPT2_SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A piece's UTF-8 bytes as byte-level characters, e.g. {@code " the"} to {@code "Ġthe"}. */
    public static String encode(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_TO_CHAR[b & 0xff]);
        }
        return sb.toString();
    }

    /** The byte-level character of each byte value 0..255. */
    public static char charOf(int byteValue) {
        return BYTE_TO_CHAR[byteValue];
    }

    /**
     * The 256 base tokens in GPT-2's vocabulary order: printable Latin-1 bytes first (ids 0..187, {@code !} is 0),
     * then the remaining bytes mapped to U+0100 onwards.
     */
    public static List<String> baseAlphabet() {
        List<String> out = new ArrayList<>(256);
        for (int b : orderedBytes()) {
            out.add(String.valueOf(BYTE_TO_CHAR[b]));
        }
        return out;
    }

    private static List<Integer> orderedBytes() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
            }
        }
        return bs;
    }

    private static char[] bytesToUnicode() {
        char[] map = new char[256];
        int next = 0;
        for (int b : orderedBytes()) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + next++);
        }
        return map;
    }
}
