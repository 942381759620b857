package org.careflow.bench.scenarios;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the top-level items of a JSON array without building them: the least parsing a batch route can do, as the
 * bare batch floor does. It tracks strings (with escapes) and nesting only; it does not validate the JSON.
 */
final class JsonArrayItems {

    /** An item's bytes are {@code [start, end)} of the body, surrounding whitespace left out. */
    record Span(int start, int end) {
        int length() {
            return end - start;
        }
    }

    private JsonArrayItems() {
    }

    /** The items of {@code body}, a JSON array; throws {@link IllegalArgumentException} when it is not one. */
    static List<Span> split(byte[] body) {
        int i = skipWhitespace(body, 0);
        if (i >= body.length || body[i] != '[') {
            throw new IllegalArgumentException("not a JSON array");
        }
        List<Span> items = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int itemStart = -1;
        for (i = i + 1; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            if (itemStart < 0 && !whitespace(b) && !(depth == 0 && (b == ',' || b == ']'))) {
                itemStart = i;
            }
            switch (b) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}' -> depth--;
                case ']' -> {
                    if (depth == 0) {
                        close(body, items, itemStart, i);
                        if (skipWhitespace(body, i + 1) != body.length) {
                            throw new IllegalArgumentException("content after the array");
                        }
                        return items;
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0) {
                        if (itemStart < 0) {
                            throw new IllegalArgumentException("empty item");
                        }
                        close(body, items, itemStart, i);
                        itemStart = -1;
                    }
                }
                default -> { }
            }
        }
        throw new IllegalArgumentException("unterminated array");
    }

    private static void close(byte[] body, List<Span> items, int start, int end) {
        if (start < 0) {
            if (!items.isEmpty()) {
                throw new IllegalArgumentException("empty item");
            }
            return;
        }
        int e = end;
        while (e > start && whitespace(body[e - 1])) {
            e--;
        }
        items.add(new Span(start, e));
    }

    private static int skipWhitespace(byte[] body, int from) {
        int i = from;
        while (i < body.length && whitespace(body[i])) {
            i++;
        }
        return i;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
