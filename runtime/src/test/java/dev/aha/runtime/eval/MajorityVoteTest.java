package dev.aha.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MajorityVoteTest {

    /** Completions separated by ';', the reference, and whether cons@k counts the prompt as solved. */
    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            <answer>18</answer>;<answer>18</answer>;<answer>7</answer>       | 18   | true
            <answer>7</answer>;<answer>18</answer>;<answer>7</answer>        | 18   | false
            <answer>18.00</answer>;<answer>$18</answer>;<answer>7</answer>   | 18   | true
            <answer>7</answer>;<answer>18</answer>                           | 18   | false
            <answer>18</answer>;<answer>7</answer>                           | 18   | true
            <answer>50%</answer>;<answer>50</answer>;<answer>1</answer>      | 0.5  | true
            <answer>\\dfrac12</answer>;<answer>0.5</answer>                  | 1/2  | true
            no answer;no answer either                                       | 18   | false
            Answer: 18;Answer: 18                                            | 18   | false
            """)
    void shouldJudgeTheMajorityAsPassAtOneJudgesAnAnswer(String completions, String reference, boolean expected) {
        MajorityVote votes = new MajorityVote();
        Arrays.stream(completions.split(";")).forEach(votes::add);
        assertEquals(expected, votes.majorityIs(reference));
    }
}
