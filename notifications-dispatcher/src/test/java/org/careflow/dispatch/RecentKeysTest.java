package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentKeysTest {

    @Test
    void shouldForgetLeastRecentlyUsedKeyWhenCapacityIsExceeded() {
        // Given a memory of three keys, where "a" was looked at again after "b" and "c" were added
        RecentKeys keys = new RecentKeys(3);
        keys.add("a");
        keys.add("b");
        keys.add("c");
        assertThat(keys.contains("a")).isTrue();

        // When a fourth key is added
        keys.add("d");

        // Then "b", the least recently used, is forgotten and the rest are kept
        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.contains("b")).isFalse();
        assertThat(keys.contains("a")).isTrue();
        assertThat(keys.contains("c")).isTrue();
        assertThat(keys.contains("d")).isTrue();
    }
}
