package org.careflow.launcher;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a principal's ACLs on the broker exactly a given set: missing ones are created and any other of that principal
 * deleted, so that an ACL the code no longer derives (a topic an app stopped writing) does not outlive it in a kept
 * data directory.
 */
final class KafkaAclsApply {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAclsApply.class);
    private static final long TIMEOUT_SECONDS = 30;
    private static final Duration PROPAGATION_POLL = Duration.ofMillis(50);

    private KafkaAclsApply() {
    }

    static void replace(Admin admin, String principal, Collection<AclBinding> wanted) {
        Set<AclBinding> target = new HashSet<>(wanted);
        if (target.stream().anyMatch(b -> !b.entry().principal().equals(principal))) {
            throw new IllegalArgumentException("Every ACL given for " + principal + " must name it");
        }
        AclBindingFilter ofPrincipal = new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
        try {
            Set<AclBinding> existing = new HashSet<>(admin.describeAcls(ofPrincipal).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            List<AclBindingFilter> stale = existing.stream().filter(b -> !target.contains(b)).map(AclBinding::toFilter).toList();
            if (!stale.isEmpty()) {
                admin.deleteAcls(stale).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            List<AclBinding> missing = target.stream().filter(b -> !existing.contains(b)).toList();
            if (!missing.isEmpty()) {
                admin.createAcls(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            // The controller has them; the broker's authorizer applies them from the metadata log a moment later, and a
            // client refused in between (Kafka Streams stops on it) would not ask again. The broker answers describeAcls
            // from that authorizer: wait until it shows exactly the target.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!new HashSet<>(admin.describeAcls(ofPrincipal).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).equals(target)) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("The broker did not apply the Kafka ACLs of " + principal + " within "
                        + TIMEOUT_SECONDS + " s");
                }
                LockSupport.parkNanos(PROPAGATION_POLL.toNanos());
            }
            LOG.info("Kafka ACLs of {}: {} in place ({} created, {} removed)", principal, target.size(), missing.size(), stale.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting the Kafka ACLs of " + principal, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not set the Kafka ACLs of " + principal, e);
        }
    }
}
