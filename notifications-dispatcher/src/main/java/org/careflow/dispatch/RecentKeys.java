package org.careflow.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

/** The most recently sent idempotency keys, least recently used dropped first, so memory stays bounded. */
final class RecentKeys {

    private final Map<String, Boolean> keys;

    RecentKeys(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized boolean contains(String key) {
        return keys.get(key) != null;
    }

    synchronized void add(String key) {
        keys.put(key, Boolean.TRUE);
    }

    synchronized int size() {
        return keys.size();
    }
}
