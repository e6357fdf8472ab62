package io.sparkk8s.config.submit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code spark-submit-command-lines.txt}: real spark-submit command lines with what they must
 * produce. Format, one case per {@code ###} heading:
 * <pre>
 * ### name
 * file &lt;relative path&gt;          then lines "| content": a file created under {tmp}
 * env NAME=value                 an environment variable ({tmp} is replaced)
 * $ spark-submit ... \           the command line, shell syntax, continuation lines allowed
 * =&gt; submit | submit dry-run | kill TARGET | status TARGET | help | version | error
 * class = X | (none)             expectations on the request ...
 * conf KEY = VALUE | (unset)     ... on the resolved conf
 * args = shell words             ... on the application arguments
 * warning ~ text                 each warning, in order (no other warnings allowed)
 * error ~ text                   for "=&gt; error": text the message contains
 * </pre>
 */
final class CommandLineCases {

    /** One case of the file. */
    record Case(String name, Map<String, String> files, Map<String, String> env, String command, String outcome,
                List<String[]> expectations) {
        @Override
        public String toString() {
            return name;
        }
    }

    private CommandLineCases() {
    }

    static List<Case> load(String resource) throws IOException {
        String text;
        try (InputStream in = CommandLineCases.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not found");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            if (!lines[i].startsWith("### ")) {
                i++;
                continue;
            }
            String name = lines[i++].substring(4).trim();
            Map<String, String> files = new LinkedHashMap<>();
            Map<String, String> env = new LinkedHashMap<>();
            StringBuilder command = new StringBuilder();
            String outcome = null;
            List<String[]> expectations = new ArrayList<>();
            while (i < lines.length && !lines[i].startsWith("### ")) {
                String line = lines[i++];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("file ")) {
                    StringBuilder content = new StringBuilder();
                    while (i < lines.length && (lines[i].startsWith("| ") || lines[i].equals("|"))) {
                        content.append(lines[i].length() > 2 ? lines[i].substring(2) : "").append('\n');
                        i++;
                    }
                    files.put(line.substring(5).trim(), content.toString());
                } else if (line.startsWith("env ")) {
                    String assignment = line.substring(4).trim();
                    int eq = assignment.indexOf('=');
                    env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
                } else if (line.startsWith("$ ")) {
                    String current = line.substring(2);
                    while (current.endsWith("\\") && i < lines.length) {
                        command.append(current, 0, current.length() - 1).append(' ');
                        current = lines[i++].trim();
                    }
                    command.append(current);
                } else if (line.startsWith("=> ")) {
                    outcome = line.substring(3).trim();
                } else if (line.contains(" ~ ")) {
                    int at = line.indexOf(" ~ ");
                    expectations.add(new String[] {line.substring(0, at).trim(), "~", line.substring(at + 3)});
                } else if (line.contains(" = ") || line.endsWith(" =")) {
                    int at = line.contains(" = ") ? line.indexOf(" = ") : line.length() - 2;
                    String value = line.contains(" = ") ? line.substring(at + 3) : "";
                    expectations.add(new String[] {line.substring(0, at).trim(), "=", value});
                } else {
                    throw new IllegalStateException(name + ": cannot read line '" + line + "'");
                }
            }
            if (outcome == null || command.length() == 0) {
                throw new IllegalStateException(name + ": a case needs a '$ ' command and a '=> ' outcome");
            }
            cases.add(new Case(name, files, env, command.toString(), outcome, expectations));
        }
        return cases;
    }

    /** Splits a command line with POSIX shell quoting: '...', "..." (with \ escapes) and \ outside quotes. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    word.append(line.charAt(i++));
                }
                inWord = true;
            } else if (c == '\\') {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
