package dev.aha.jinja;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for the {@code strftime_now} global some templates use for
 * a "Today Date:" line. Supports the directives chat templates use, plus glibc's {@code %-d} (no padding).
 */
final class Strftime {

    private Strftime() {}

    static String format(LocalDateTime t, String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) {
                out.append(c);
                continue;
            }
            char d = pattern.charAt(++i);
            boolean pad = true;
            if (d == '-' && i + 1 < pattern.length()) {
                pad = false;
                d = pattern.charAt(++i);
            }
            out.append(directive(t, d, pad));
        }
        return out.toString();
    }

    private static String directive(LocalDateTime t, char d, boolean pad) {
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (d) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'd' -> number(t.getDayOfMonth(), 2, pad);
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'm' -> number(t.getMonthValue(), 2, pad);
            case 'y' -> number(t.getYear() % 100, 2, pad);
            case 'Y' -> Integer.toString(t.getYear());
            case 'H' -> number(t.getHour(), 2, pad);
            case 'I' -> number(hour12, 2, pad);
            case 'M' -> number(t.getMinute(), 2, pad);
            case 'S' -> number(t.getSecond(), 2, pad);
            case 'f' -> number(t.getNano() / 1000, 6, true);
            case 'j' -> number(t.getDayOfYear(), 3, pad);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'z', 'Z' -> "";
            case '%' -> "%";
            default -> throw new JinjaException("strftime_now: directive %" + d + " is not supported");
        };
    }

    private static String number(int value, int width, boolean pad) {
        String s = Integer.toString(value);
        return pad && s.length() < width ? "0".repeat(width - s.length()) + s : s;
    }
}
