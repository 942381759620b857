package org.careflow.archfixture.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Breaks the topology rule on purpose (see LayeringTest): a processor reading a file. */
public final class TopologyReadingAFile {

    public String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
