package org.instructforge.training.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face chat template ({@code tokenizer_config.json}'s {@code chat_template}, Jinja) rendered with HubSpot's
 * jinjava the way {@code transformers}' {@code apply_chat_template} renders it with Jinja2: {@code trim_blocks} and
 * {@code lstrip_blocks} on, filters binding tighter than {@code +}, and the globals templates use:
 * {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, {@code raise_exception(msg)}
 * and {@code strftime_now(format)}.
 */
final class JinjaChatTemplate {

    /** The clock {@code strftime_now} reads; a template's "Today Date" is the only thing it changes. */
    private static final ThreadLocal<Clock> CLOCK = ThreadLocal.withInitial(Clock::systemUTC);
    /** The message of a {@code raise_exception} during this thread's rendering (jinjava keeps only its own). */
    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final Jinjava jinjava;

    JinjaChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
        this.source = source;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.clock = clock;
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withEvaluateMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", JinjaChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "strftime_now", JinjaChatTemplate.class, "strftimeNow", String.class));
    }

    /** The conversation rendered; {@code addGenerationPrompt} appends the opening of the assistant's turn. */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content());
            list.add(message);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        // Jinja2 sees the function as a defined global (Llama 3.x templates test "strftime_now is defined")
        context.put("strftime_now", true);
        CLOCK.set(clock);
        RenderResult result;
        try {
            result = jinjava.renderForResult(source, context);
        } finally {
            CLOCK.remove();
        }
        String raised = RAISED.get();
        RAISED.remove();
        if (raised != null) {
            throw new IllegalArgumentException("the model's chat template refuses this conversation: " + raised);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("the chat template failed: " + error.getMessage());
            }
        }
        return result.getOutput();
    }

    /** {@code raise_exception(message)}: what templates call on a conversation they refuse. */
    public static String raiseException(String message) {
        if (RAISED.get() == null) {
            RAISED.set(message);
        }
        throw new ChatTemplateException(message);
    }

    /** {@code strftime_now(format)}: the current date in Python's strftime format (the directives templates use). */
    public static String strftimeNow(String format) {
        ZonedDateTime now = ZonedDateTime.now(CLOCK.get());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String pattern = switch (d) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case '%' -> "'%'";
                default -> throw new ChatTemplateException("strftime_now: unsupported directive %" + d);
            };
            out.append(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(now));
        }
        return out.toString();
    }

    /** A template refused the conversation ({@code raise_exception}), or could not be rendered. */
    static final class ChatTemplateException extends RuntimeException {
        ChatTemplateException(String message) {
            super(message);
        }
    }
}
