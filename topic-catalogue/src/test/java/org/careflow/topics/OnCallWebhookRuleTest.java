package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invariant: an on-call alert (which names a patient) only ever leaves for a public https endpoint, unless allow-listed. */
class OnCallWebhookRuleTest {

    private final OnCallWebhookRule strict = OnCallWebhookRule.strict();

    @Test
    void shouldAcceptAPublicHttpsUrlWhenNothingIsAllowListed() {
        assertThat(strict.checkUrl("https://pager.example.org/hooks/ward-7")).isEmpty();
        assertThat(strict.checkUrl("https://93.184.215.14/hook")).isEmpty();
        assertThat(strict.checkUrl("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook")).isEmpty();
    }

    @Test
    void shouldRefusePlainHttpWhenTheHostIsNotAllowListed() {
        // Given a public host over http
        // When / Then it is refused: the alert would travel in clear
        assertThat(strict.checkUrl("http://pager.example.org/hook")).get().asString().contains("https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/hook", "https://127.1.2.3/hook", "https://localhost/hook", "https://a.localhost/x",
        "https://[::1]/hook", "https://0.0.0.0/hook", "https://[::]/hook", "https://10.1.2.3/hook", "https://172.16.0.1/hook",
        "https://172.31.255.255/hook", "https://192.168.1.1/hook", "https://100.64.0.1/hook", "https://[fc00::1]/hook",
        "https://[fd12:3456::1]/hook", "https://169.254.10.1/hook", "https://[fe80::1]/hook", "https://169.254.169.254/latest",
        "https://[fd00:ec2::254]/latest", "https://metadata.google.internal/computeMetadata/v1/", "https://METADATA.google.internal./x",
        "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:169.254.169.254]/hook", "https://[64:ff9b::a00:1]/hook",
        "https://224.0.0.1/hook", "https://2130706433/hook", "https://0x7f000001/hook", "https://127.000.000.001/hook"})
    void shouldRefuseInternalAddressesWhenWrittenAsTheHost(String url) {
        assertThat(strict.checkUrl(url)).as(url).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "not a url", "/relative/hook", "https:///nohost", "mailto:duty@example.org",
        "https://user:secret@pager.example.org/hook", "ftp://pager.example.org/hook"})
    void shouldRefuseWhatIsNotAnHttpsUrlWithAHost(String url) {
        assertThat(strict.checkUrl(url)).as(url).isPresent();
    }

    @Test
    void shouldAcceptLoopbackAndHttpWhenTheOperatorAllowListedTheHost() {
        // Given an operator allow-list naming the local stand-in's host
        OnCallWebhookRule rule = new OnCallWebhookRule(List.of("127.0.0.1", "Pager.Internal"));

        // Then the allow-listed hosts pass as they are, and nothing else does
        assertThat(rule.checkUrl("http://127.0.0.1:8099/hook")).isEmpty();
        assertThat(rule.checkUrl("https://pager.internal/hook")).isEmpty();
        assertThat(rule.checkUrl("http://127.0.0.2/hook")).isPresent();
        assertThat(rule.checkUrl("http://localhost/hook")).isPresent();
    }

    @Test
    void shouldRefuseWhenAnyResolvedAddressIsInternal() throws UnknownHostException {
        // Given a public name that resolves to a public and a private address (DNS rebinding)
        List<InetAddress> addresses = List.of(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.5"));

        // When / Then the send is refused
        assertThat(strict.checkResolved("pager.example.org", addresses)).get().asString().contains("private");
        assertThat(strict.checkResolved("pager.example.org", List.of(InetAddress.getByName("169.254.169.254"))))
            .get().asString().contains("metadata");
        assertThat(strict.checkResolved("pager.example.org", List.of())).isPresent();
    }

    @Test
    void shouldAcceptResolvedPublicAddressesAndAllowListedHosts() throws UnknownHostException {
        assertThat(strict.checkResolved("pager.example.org", List.of(InetAddress.getByName("93.184.215.14")))).isEmpty();
        OnCallWebhookRule rule = new OnCallWebhookRule(List.of("stand-in.local"));
        assertThat(rule.checkResolved("stand-in.local", List.of(InetAddress.getByName("127.0.0.1")))).isEmpty();
    }
}
