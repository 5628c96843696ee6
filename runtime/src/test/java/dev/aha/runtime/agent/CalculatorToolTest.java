package dev.aha.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CalculatorToolTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "123*456|56088",
        "999*999-1|998000",
        "2+3*4|14",
        "(2+3)*4|20",
        "7-10|-3",
        "-(-5)|5",
        "1/3+1/6|1/2",
        "0.1+0.2|3/10",
        "6/4|3/2",
        "10/5|2",
        "  12 *  3 |36",
        "123456789012345678901234567890*987654321098765432109876543210|121932631137021795226185032733622923332237463801111263526900",
    })
    void shouldEvaluateExactly(String expression, String value) throws ToolException {
        assertEquals(value, CalculatorTool.evaluate(expression).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1+", "2*(3", "1/0", "1/(2-2)", "abc", "1..2", "2^3", "3)"})
    void shouldRefuseWhatIsNoExpression(String expression) {
        ToolException e = assertThrows(ToolException.class, () -> CalculatorTool.evaluate(expression));
        assertTrue(!e.getMessage().isBlank() && e.getMessage().lines().count() == 1, e.getMessage());
    }

    @Test
    void shouldRefuseAnExpressionPastItsLength() {
        assertThrows(ToolException.class, () -> CalculatorTool.evaluate("1+".repeat(300) + "1"));
    }

    @Test
    void shouldTakeItsArgumentFromJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        CalculatorTool tool = new CalculatorTool();
        assertEquals("56088", tool.call(json.readTree("{\"expression\": \"123*456\"}")));
        assertThrows(ToolException.class, () -> tool.call(json.readTree("{\"expr\": 1}")));
    }

    @Test
    void ansIsThePreviousResultOfTheSameEpisode() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Tool episode = new CalculatorTool().forEpisode();
        ToolException none = assertThrows(ToolException.class,
                () -> episode.call(json.readTree("{\"expression\": \"ans+1\"}")));
        assertEquals("ans has no value: no earlier call in this episode", none.getMessage());
        assertEquals("56088", episode.call(json.readTree("{\"expression\": \"123*456\"}")));
        assertEquals("56095", episode.call(json.readTree("{\"expression\": \"ans+7\"}")));
        assertEquals("-56085", episode.call(json.readTree("{\"expression\": \"10-ans\"}")));
        assertEquals("1/2", episode.call(json.readTree("{\"expression\": \"ans*0-(-1/2)\"}")));
        // A refused call leaves the memory as it was.
        assertThrows(ToolException.class, () -> episode.call(json.readTree("{\"expression\": \"ans/0\"}")));
        assertEquals("1", episode.call(json.readTree("{\"expression\": \"ans*2\"}")));
        Tool another = new CalculatorTool().forEpisode();
        assertThrows(ToolException.class, () -> another.call(json.readTree("{\"expression\": \"ans\"}")));
        assertThrows(ToolException.class, () -> CalculatorTool.evaluate("ans+1"));
    }
}
