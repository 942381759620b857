package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void shouldHidePasswordWhenPrinted() {
        // Given settings with credentials
        SmtpSettings settings = new SmtpSettings("smtp.clinic.example", 587, "careflow@clinic.example", "careflow", "s3cret", true, TIMEOUT);

        // When they are printed, as the dispatcher does at start-up
        String printed = settings.toString();

        // Then the password is hidden and the rest is there
        assertThat(printed).doesNotContain("s3cret").contains("password=[hidden]", "host=smtp.clinic.example", "port=587",
            "username=careflow", "startTls=true");
    }

    @Test
    void shouldNotAuthenticateWhenUsernameIsNullOrBlank() {
        // Given settings without a username, or with a blank one
        SmtpSettings none = new SmtpSettings("localhost", 25, "careflow@clinic.example", null, null, false, TIMEOUT);
        SmtpSettings blank = new SmtpSettings("localhost", 25, "careflow@clinic.example", " ", "", false, TIMEOUT);

        // When / Then: neither logs in, and neither claims a password
        assertThat(none.authenticates()).isFalse();
        assertThat(blank.authenticates()).isFalse();
        assertThat(none.toString()).contains("username=[none]", "password=[none]");
    }

    @Test
    void shouldAcceptDisplayNameWhenFromHasOne() {
        // Given / When / Then: a sender with a display name is one address
        assertThat(new SmtpSettings("localhost", 25, "Careflow <careflow@clinic.example>", null, null, false, TIMEOUT).from())
            .isEqualTo("Careflow <careflow@clinic.example>");
    }

    @Test
    void shouldRejectWithFieldNameWhenSettingsCannotWork() {
        // Given / When / Then: each unusable value is refused, naming the setting to fix
        assertThatThrownBy(() -> new SmtpSettings(" ", 25, "careflow@clinic.example", null, null, false, TIMEOUT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SmtpSettings.host");
        assertThatThrownBy(() -> new SmtpSettings("localhost", 0, "careflow@clinic.example", null, null, false, TIMEOUT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SmtpSettings.port");
        assertThatThrownBy(() -> new SmtpSettings("localhost", 65_536, "careflow@clinic.example", null, null, false, TIMEOUT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SmtpSettings.port");
        assertThatThrownBy(() -> new SmtpSettings("localhost", 25, "careflow", null, null, false, TIMEOUT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SmtpSettings.from");
        assertThatThrownBy(() -> new SmtpSettings("localhost", 25, "a@x.example, b@x.example", null, null, false, TIMEOUT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SmtpSettings.from");
        assertThatThrownBy(() -> new SmtpSettings("localhost", 25, "careflow@clinic.example", null, null, false, Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SmtpSettings.timeout");
        assertThatThrownBy(() -> new SmtpSettings(null, 25, "careflow@clinic.example", null, null, false, TIMEOUT))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("host");
    }
}
