package org.instructforge.web.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.beans.PropertyEditorSupport;
import java.io.IOException;
import java.util.Map;
import org.instructforge.web.system.StorableText.UnstorableTextException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.InitBinder;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Refuses text that cannot be stored ({@link StorableText}) wherever a request brings it in, for every controller at
 * once: each string a form field or request parameter binds to, and each string read from a JSON body. Nothing is
 * written: a form bound with a {@code BindingResult} shows the message beside its field ({@code typeMismatch} in
 * messages.properties); anything else answers 400, {@code {"error": ...}} on the API and the error page otherwise.
 * First in order, so the labeler API's own handlers do not turn it into a generic "not the JSON this call takes".
 * Form fields' CRLF line breaks are stored as "\n".
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class StorableTextBinding {

    @InitBinder
    void refuseUnstorableText(WebDataBinder binder) {
        binder.registerCustomEditor(String.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                StorableText.require("The text", text);
                // A browser sends a textarea's line breaks as CRLF (HTML's form encoding); they are stored as the
                // API's JSON and the imports bring them, "\n", so that a demonstration typed in the page and one sent
                // by a script train the model on the same text.
                setValue(text == null ? null : text.replace("\r\n", "\n"));
            }
        });
    }

    /** Registered on the application's JSON mapper by Spring Boot, so every request body is read through it. */
    @Bean
    static JacksonModule storableTextModule() {
        return new SimpleModule("storable-text").addDeserializer(String.class, new StorableStringDeserializer());
    }

    /** Matches the exception also as the cause of a binding or JSON-reading failure. */
    @ExceptionHandler(UnstorableTextException.class)
    ResponseEntity<Map<String, String>> refuse(
            UnstorableTextException e, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!ApiRequests.isApi(request)) {
            response.sendError(400, e.getMessage());
            return null;
        }
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    /** Jackson's own string reading (with its coercions), then the check; the field is named by its JSON path. */
    private static final class StorableStringDeserializer extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = super.deserialize(p, ctxt);
            StorableText.require(fieldOf(p), value);
            return value;
        }

        private static String fieldOf(JsonParser p) {
            String name = p.currentName();
            return name == null ? "A text" : "\"" + name + "\"";
        }
    }
}
