package org.careflow.archfixture;

import org.careflow.topics.Topic;

/** Breaks the catalogue rule on purpose (see LayeringTest): a topic described outside topic-catalogue. */
public final class TopicSpelledOutsideTheCatalogue {

    public Topic<String, String> topic() {
        return new Topic<>("my-own-topic", String.class, String.class, 1, Topic.Cleanup.DELETE);
    }
}
