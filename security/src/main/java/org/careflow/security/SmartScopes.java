package org.careflow.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMART App Launch resource scopes of a token ({@code patient/Observation.rs}, {@code user/*.cruds},
 * {@code system/Appointment.c}; the v1 forms {@code .read}, {@code .write}, {@code .*} too), which narrow what the token
 * may do and never widen it: who the caller is and whose data it reaches stay with the role, facility and patient claims.
 * A token with at least one resource scope ({@link #narrowed()}) may use only the FHIR routes its scopes grant. A scope
 * careflow cannot honour exactly (finer-grained parameters, {@code ?category=...}) grants nothing, so it can only narrow.
 */
public record SmartScopes(boolean narrowed, List<Grant> grants) {

    /** A token without resource scopes: the role's rules alone apply. */
    public static final SmartScopes NONE = new SmartScopes(false, List.of());

    /** Why a request was refused for its scopes. */
    public static final String REASON = "smart-scope-insufficient";

    private static final Pattern SHAPE = Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([^?\\s]+)(\\?.*)?");
    private static final Pattern V2 = Pattern.compile("c?r?u?d?s?");

    /** One granted scope: the resource type ({@code *} for any) and the interactions ({@code c r u d s}). */
    public record Grant(String context, String resourceType, String permissions) {
        boolean permits(String type, char interaction) {
            return ("*".equals(resourceType) || resourceType.equals(type)) && permissions.indexOf(interaction) >= 0;
        }
    }

    public SmartScopes {
        grants = List.copyOf(grants);
    }

    /** The resource scopes of a space-separated {@code scope} claim; null or none of that shape is {@link #NONE}. */
    public static SmartScopes parse(String claim) {
        if (claim == null || claim.isBlank()) {
            return NONE;
        }
        boolean narrowed = false;
        List<Grant> grants = new ArrayList<>();
        for (String scope : claim.trim().split("\\s+")) {
            Matcher m = SHAPE.matcher(scope);
            if (!m.matches()) {
                continue;
            }
            narrowed = true;
            String permissions = permissions(m.group(3));
            if (permissions != null && m.group(4) == null) {
                grants.add(new Grant(m.group(1), m.group(2), permissions));
            }
        }
        return narrowed ? new SmartScopes(true, grants) : NONE;
    }

    /** Whether these scopes let the token do {@code interaction} ({@code c r u d s}) on {@code resourceType}. */
    public boolean permits(String resourceType, char interaction) {
        if (!narrowed) {
            return true;
        }
        for (Grant grant : grants) {
            if (grant.permits(resourceType, interaction)) {
                return true;
            }
        }
        return false;
    }

    /** v2 permissions ({@code cruds}, in that order), or the v1 names; null when neither. */
    private static String permissions(String given) {
        switch (given.toLowerCase(Locale.ROOT)) {
            case "read":
                return "rs";
            case "write":
                return "cud";
            case "*":
                return "cruds";
            default:
                return !given.isEmpty() && V2.matcher(given).matches() ? given : null;
        }
    }
}
