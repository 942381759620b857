package org.careflow.fhir.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careflow.validation.FieldError;

/**
 * A search as careflow understands it, or every reason it does not: a parameter, modifier or prefix careflow lacks is
 * named (a search is never widened by ignoring part of it), and so is a malformed value. {@code _count} is bounded
 * ({@link #MAX_COUNT}; more is served as that many, as FHIR lets a server do) and {@code _offset} pages.
 */
public final class SearchRequest {

    public static final int DEFAULT_COUNT = 50;
    public static final int MAX_COUNT = 200;
    /** The furthest a search may page: deeper pages would scan ever more of a store for one answer. */
    public static final int MAX_OFFSET = 10_000;
    public static final String COUNT = "_count";
    public static final String OFFSET = "_offset";
    public static final String FORMAT = "_format";
    private static final Set<String> JSON_FORMATS = Set.of("json", "application/json", "application/fhir+json");
    private static final Set<String> DATE_PREFIXES = Set.of("eq", "gt", "lt", "ge", "le");
    /** Every prefix FHIR defines; those not in {@link #DATE_PREFIXES} are refused as not supported. */
    private static final Set<String> FHIR_PREFIXES = Set.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");

    private final ResourceSupport support;
    private final Map<String, List<String>> values;
    private final Map<String, DateBounds> dates;
    private final int count;
    private final int offset;

    private SearchRequest(ResourceSupport support, Map<String, List<String>> values, Map<String, DateBounds> dates, int count, int offset) {
        this.support = support;
        this.values = values;
        this.dates = dates;
        this.count = count;
        this.offset = offset;
    }

    /** The outcome of parsing: the request, or the errors and whether they are all "not supported". */
    public sealed interface Parsed permits Parsed.Ok, Parsed.Refused {
        record Ok(SearchRequest request) implements Parsed {
        }

        /** {@code unsupported}: the request asks for something careflow lacks (else it is malformed). */
        record Refused(List<FieldError> errors, boolean unsupported) implements Parsed {
        }
    }

    /** Parses the query parameters of a search of {@code support}'s type. */
    public static Parsed parse(ResourceSupport support, Map<String, List<String>> query) {
        List<FieldError> unsupported = new ArrayList<>();
        List<FieldError> invalid = new ArrayList<>();
        Map<String, List<String>> values = new LinkedHashMap<>();
        Map<String, DateBounds> dates = new LinkedHashMap<>();
        int count = DEFAULT_COUNT;
        int offset = 0;
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            String key = entry.getKey();
            List<String> given = entry.getValue();
            switch (key) {
                case COUNT -> count = Math.min(MAX_COUNT, integer(key, given, 1, Integer.MAX_VALUE, invalid, DEFAULT_COUNT));
                case OFFSET -> offset = integer(key, given, 0, MAX_OFFSET, invalid, 0);
                case FORMAT -> {
                    if (!given.stream().allMatch(JSON_FORMATS::contains)) {
                        unsupported.add(new FieldError("", "_format: careflow answers FHIR JSON only (json, application/fhir+json)"));
                    }
                }
                default -> {
                    int colon = key.indexOf(':');
                    String name = colon < 0 ? key : key.substring(0, colon);
                    SearchParam param = support.param(name).orElse(null);
                    if (param == null) {
                        unsupported.add(new FieldError("", key + ": " + support.type() + " has no search parameter '" + name
                            + "' here; supported: " + names(support)));
                    } else if (colon >= 0) {
                        unsupported.add(new FieldError(param.expression(), key + ": modifiers are not supported"));
                    } else if (param.type() == SearchParam.Type.DATE) {
                        DateBounds bounds = DateBounds.ALL;
                        for (String value : given) {
                            DateBounds one = date(param, value, unsupported, invalid);
                            bounds = one == null ? bounds : bounds.narrow(one);
                        }
                        dates.put(name, bounds);
                    } else if (given.size() > 1) {
                        unsupported.add(new FieldError(param.expression(), name + ": given more than once; give one value, "
                            + "or several separated by commas for any of them"));
                    } else {
                        values.put(name, values(param, given.get(0), invalid));
                    }
                }
            }
        }
        if (unsupported.isEmpty() && invalid.isEmpty() && !support.requiredParams().isEmpty()
            && support.requiredParams().stream().noneMatch(p -> values.containsKey(p) || dates.containsKey(p))) {
            invalid.add(new FieldError("", "a search of " + support.type() + " needs " + String.join(" or ", support.requiredParams())));
        }
        if (!unsupported.isEmpty()) {
            unsupported.addAll(invalid);
            return new Parsed.Refused(List.copyOf(unsupported), true);
        }
        if (!invalid.isEmpty()) {
            return new Parsed.Refused(List.copyOf(invalid), false);
        }
        return new Parsed.Ok(new SearchRequest(support, values, dates, count, offset));
    }

    /** The values given for token, reference or string parameter {@code name} (any of them matches); empty when not given. */
    public List<String> values(String name) {
        requireParam(name);
        return values.getOrDefault(name, List.of());
    }

    /** The single value of {@code name}, or null when not given. */
    public String value(String name) {
        List<String> given = values(name);
        return given.isEmpty() ? null : given.get(0);
    }

    /** The bounds of date parameter {@code name}; {@link DateBounds#ALL} when not given. */
    public DateBounds dates(String name) {
        requireParam(name);
        return dates.getOrDefault(name, DateBounds.ALL);
    }

    /** Whether date parameter {@code name} was given. */
    public boolean hasDates(String name) {
        return dates.containsKey(name);
    }

    public int count() {
        return count;
    }

    public int offset() {
        return offset;
    }

    /** The search's own parameters as given (values already split), for the links of a page. */
    public Map<String, List<String>> given(Map<String, List<String>> query) {
        Map<String, List<String>> own = new LinkedHashMap<>(query);
        own.remove(COUNT);
        own.remove(OFFSET);
        own.remove(FORMAT);
        return own;
    }

    private void requireParam(String name) {
        if (support.param(name).isEmpty()) {
            throw new IllegalArgumentException(support.type() + " declares no parameter " + name);
        }
    }

    private static List<String> values(SearchParam param, String raw, List<FieldError> invalid) {
        List<String> out = new ArrayList<>();
        for (String one : raw.split(",", -1)) {
            String value = one;
            if (param.type() == SearchParam.Type.REFERENCE) {
                value = reference(param, one);
            }
            if (value == null || value.isEmpty()) {
                invalid.add(new FieldError(param.expression(), param.name() + ": '" + one + "' is not "
                    + (param.type() == SearchParam.Type.REFERENCE ? "a reference to a " + param.target() + " (id or " + param.target() + "/id)" : "a value")));
            } else {
                out.add(value);
            }
        }
        return List.copyOf(out);
    }

    /** The id a reference value names: {@code id} or {@code Type/id} of the parameter's target type. */
    private static String reference(SearchParam param, String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            return value;
        }
        if (!param.target().equals(value.substring(0, slash))) {
            return null;
        }
        return value.substring(slash + 1);
    }

    private static DateBounds date(SearchParam param, String value, List<FieldError> unsupported, List<FieldError> invalid) {
        String prefix = value.length() > 2 && FHIR_PREFIXES.contains(value.substring(0, 2)) ? value.substring(0, 2) : "eq";
        String date = value.length() > 2 && FHIR_PREFIXES.contains(value.substring(0, 2)) ? value.substring(2) : value;
        if (!DATE_PREFIXES.contains(prefix)) {
            unsupported.add(new FieldError(param.expression(), param.name() + ": the prefix '" + prefix + "' is not supported; use eq, gt, lt, ge or le"));
            return null;
        }
        DateBounds precision = precision(date);
        if (precision == null) {
            invalid.add(new FieldError(param.expression(), param.name() + ": '" + date + "' is not a FHIR date or dateTime "
                + "(YYYY, YYYY-MM, YYYY-MM-DD, or a dateTime with its zone)"));
            return null;
        }
        return switch (prefix) {
            case "ge" -> new DateBounds(precision.from(), DateBounds.ALL.to());
            case "gt" -> new DateBounds(precision.to(), DateBounds.ALL.to());
            case "le" -> new DateBounds(DateBounds.ALL.from(), precision.to());
            case "lt" -> new DateBounds(DateBounds.ALL.from(), precision.from());
            default -> precision;
        };
    }

    /** The instants a date value covers at its precision (a day covers the whole UTC day). */
    static DateBounds precision(String value) {
        try {
            if (value.length() == 4) {
                LocalDate year = LocalDate.of(Integer.parseInt(value), 1, 1);
                return day(year, year.plusYears(1));
            }
            if (value.length() == 7) {
                YearMonth month = YearMonth.parse(value);
                return day(month.atDay(1), month.plusMonths(1).atDay(1));
            }
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return day(day, day.plusDays(1));
            }
            Instant instant = OffsetDateTime.parse(value).toInstant();
            // A dateTime to the second covers that second.
            return new DateBounds(instant, instant.plusSeconds(1).minusNanos(instant.getNano()));
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    private static DateBounds day(LocalDate from, LocalDate to) {
        return new DateBounds(from.atStartOfDay(ZoneOffset.UTC).toInstant(), to.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static int integer(String name, List<String> given, int min, int max, List<FieldError> invalid, int fallback) {
        try {
            int value = Integer.parseInt(given.get(given.size() - 1));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        invalid.add(new FieldError("", name + ": must be a whole number from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max)));
        return fallback;
    }

    private static String names(ResourceSupport support) {
        List<String> names = new ArrayList<>();
        support.params().forEach(p -> names.add(p.name()));
        names.add(COUNT);
        names.add(OFFSET);
        return String.join(", ", names);
    }
}
