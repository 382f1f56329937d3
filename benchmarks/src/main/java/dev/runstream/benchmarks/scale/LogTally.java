package dev.runstream.benchmarks.scale;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the ERROR and WARN lines of a log in slf4j-simple's format ({@code <time> [<thread>] WARN <logger> -
 * <message>}) and keeps the first few distinct ones (logger and message, without time and thread). Lines of stack
 * traces and other output are not counted.
 */
public final class LogTally {

    private static final Pattern LINE = Pattern.compile("^\\S+ \\[[^\\]]*\\] (ERROR|WARN) (.*)$");
    private static final int MAX_MESSAGE_CHARS = 300;

    private final int keep;
    private long errors;
    private long warnings;
    private final Set<String> firstErrors = new LinkedHashSet<>();
    private final Set<String> firstWarnings = new LinkedHashSet<>();

    /** Keeps up to {@code keep} distinct messages of each level. */
    public LogTally(int keep) {
        this.keep = keep;
    }

    public synchronized void accept(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return;
        }
        String message = m.group(2);
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
        }
        if (m.group(1).equals("ERROR")) {
            errors++;
            if (firstErrors.size() < keep) {
                firstErrors.add(message);
            }
        } else {
            warnings++;
            if (firstWarnings.size() < keep) {
                firstWarnings.add(message);
            }
        }
    }

    public synchronized long errors() {
        return errors;
    }

    public synchronized long warnings() {
        return warnings;
    }

    public synchronized List<String> firstErrors() {
        return new ArrayList<>(firstErrors);
    }

    public synchronized List<String> firstWarnings() {
        return new ArrayList<>(firstWarnings);
    }
}
