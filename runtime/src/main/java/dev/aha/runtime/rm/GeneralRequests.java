package dev.aha.runtime.rm;

import java.util.List;
import java.util.Random;

/**
 * Synthetic general prompts, for R1's last stage where nothing general can be downloaded: short requests that no
 * rule can check ("Thank Ada for the map."), each with a preferred response and a worse one. The preference is
 * what a reward model can learn from pairs: the chosen reply is polite and answers the request, naming the person
 * and the thing asked about; the rejected one is curt, ignores the request, or names the wrong person or thing.
 * Drawn from a seeded {@link Random}: the same seed gives the same requests.
 */
public final class GeneralRequests {

    /** One request and two replies to it, the first preferred. */
    public record Request(String question, String chosen, String rejected) {}

    private static final List<String> NAMES = List.of("Ada", "Ben", "Cleo", "Dev", "Eva", "Finn", "Gus", "Hana",
            "Ivo", "Jun", "Kai", "Lea", "Max", "Nia", "Oto", "Pia");
    private static final List<String> THINGS = List.of("map", "book", "tea", "lamp", "song", "cake", "kite", "note",
            "plan", "coat", "bike", "gift");

    private GeneralRequests() {}

    public static Request draw(Random rng) {
        String name = NAMES.get(rng.nextInt(NAMES.size()));
        String thing = THINGS.get(rng.nextInt(THINGS.size()));
        String otherName = other(NAMES, name, rng);
        String otherThing = other(THINGS, thing, rng);
        String[] request = switch (rng.nextInt(3)) {
            case 0 -> new String[] {"Thank " + name + " for the " + thing + ".",
                "Thank you for the " + thing + ", " + name + "!", "Thanks for the " + otherThing + ", " + name + "."};
            case 1 -> new String[] {"Ask " + name + " to bring the " + thing + ".",
                "Hi " + name + ", could you please bring the " + thing + "?",
                "Hi " + otherName + ", could you please bring the " + thing + "?"};
            default -> new String[] {"Tell " + name + " the " + thing + " is ready.",
                "Good news, " + name + ": the " + thing + " is ready.", "Whatever."};
        };
        return new Request(request[0], request[1], request[2]);
    }

    private static String other(List<String> from, String not, Random rng) {
        String o;
        do {
            o = from.get(rng.nextInt(from.size()));
        } while (o.equals(not));
        return o;
    }
}
