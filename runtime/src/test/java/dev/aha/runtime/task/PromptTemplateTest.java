package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void shouldRenderTheR1ZeroTemplateAroundTheQuestion() {
        String text = PromptTemplate.r1Zero().render("What is 2+2?");
        assertTrue(text.startsWith("A conversation between User and Assistant."));
        assertTrue(text.endsWith("User: What is 2+2?. Assistant:"));
    }

    @Test
    void shouldRenderACustomTemplate() {
        assertEquals("Q: 1+1\nA:", PromptTemplate.of("Q: {question}\nA:").render("1+1"));
    }

    @Test
    void shouldRequireExactlyOnePlaceholder() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> PromptTemplate.of("Q:"));
        assertEquals("prompt template must contain {question}: \"Q:\"", none.getMessage());
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.of("{question} {question}"));
        assertTrue(two.getMessage().contains("exactly once"));
        assertThrows(IllegalArgumentException.class, () -> PromptTemplate.of(null));
    }
}
