package org.careflow.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeZoneRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC", "Etc/UTC", "GMT"})
    void shouldAcceptZoneWhenItIsAnIanaRegionOrUtc(String id) {
        assertThat(TimeZoneRule.check(id)).isEmpty();
        assertThat(TimeZoneRule.problem(id, "hours follow daylight-saving rules")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+02:00", "-05:00", "Z", "UTC+02:00", "UTC+2", "GMT+2", "GMT+01:00", "Etc/GMT-2", "SystemV/EST5"})
    void shouldRefuseZoneAsFixedOffsetWhenItHasNoDaylightSavingRules(String id) {
        assertThat(TimeZoneRule.check(id)).contains(TimeZoneRule.Refusal.FIXED_OFFSET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus_Mons", "europe/london", "London", "CET+1", ""})
    void shouldRefuseZoneAsUnknownWhenItIsNoTimeZoneId(String id) {
        assertThat(TimeZoneRule.check(id)).contains(TimeZoneRule.Refusal.UNKNOWN);
    }

    @Test
    void shouldSayWhatFollowsDaylightSavingWhenRefusingAFixedOffset() {
        assertThat(TimeZoneRule.problem("+02:00", "a clinic's hours follow daylight-saving rules")).contains(
            "must be a region such as Europe/London, not a fixed offset: a clinic's hours follow daylight-saving rules (UTC is accepted)");
        assertThat(TimeZoneRule.problem("Mars/Olympus", "a clinic's hours follow daylight-saving rules"))
            .contains("must be an IANA time-zone id such as Europe/London");
    }
}
