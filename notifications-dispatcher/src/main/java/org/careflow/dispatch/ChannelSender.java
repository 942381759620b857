package org.careflow.dispatch;

import org.careflow.events.notifications.OutboundNotification;

/** Hands a notification to one channel's provider, once: retries are the caller's business. */
interface ChannelSender {

    /** Makes one attempt; never throws for provider or network trouble, which it reports as {@link SendResult.Failed}. */
    SendResult send(OutboundNotification notification) throws InterruptedException;
}
