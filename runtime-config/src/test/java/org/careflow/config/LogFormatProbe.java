package org.careflow.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a known line, a failure and a console line, for {@link LogFormatTest}'s child JVMs. */
public final class LogFormatProbe {

    private static final Logger LOG = LoggerFactory.getLogger(LogFormatProbe.class);
    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");

    private LogFormatProbe() {
    }

    public static void main(String[] args) {
        LOG.info("probe started with {} argument(s)", args.length);
        LOG.error("probe failed \"on purpose\"", new IllegalStateException("boom"));
        CONSOLE.info("careflow is up");
    }
}
