package io.stevedore.nodeagent.node;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat: renews the Lease {@code kube-node-lease/<node>} every
 * node-lease-renew-interval. The node lifecycle controller reads renewTime; a Lease older
 * than its duration marks the node unreachable. The Lease is owned by the Node, so it
 * goes when the Node is deleted.
 * <p>
 * Threading: {@link #renew} is called from one scheduler thread.
 */
public final class NodeLeaseHeartbeat {

	public static final String NAMESPACE = "kube-node-lease";

	private static final Logger log = LoggerFactory.getLogger(NodeLeaseHeartbeat.class);

	private final KubernetesClient client;

	private final String nodeName;

	private final Duration leaseDuration;

	private final Clock clock;

	private Lease last;

	public NodeLeaseHeartbeat(KubernetesClient client, String nodeName, Duration leaseDuration, Clock clock) {
		this.client = client;
		this.nodeName = nodeName;
		this.leaseDuration = leaseDuration;
		this.clock = clock;
	}

	/**
	 * Creates or renews the Lease; never throws (a missed beat is retried next period).
	 */
	public void renew() {
		try {
			ZonedDateTime now = ZonedDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC);
			Lease lease = this.last != null ? this.last
					: this.client.leases().inNamespace(NAMESPACE).withName(this.nodeName).get();
			if (lease == null) {
				this.last = this.client.leases().inNamespace(NAMESPACE).resource(newLease(now)).create();
				return;
			}
			Lease renewed = new LeaseBuilder(lease).editSpec()
				.withHolderIdentity(this.nodeName)
				.withLeaseDurationSeconds((int) this.leaseDuration.toSeconds())
				.withRenewTime(now)
				.endSpec()
				.build();
			this.last = this.client.leases().inNamespace(NAMESPACE).resource(renewed).update();
		}
		catch (KubernetesClientException ex) {
			// A conflict or a missing Lease: start again from the API's copy next time.
			this.last = null;
			log.info("node lease renewal failed node={} code={} error=\"{}\"", this.nodeName, ex.getCode(),
					ex.getMessage());
		}
		catch (RuntimeException ex) {
			this.last = null;
			log.warn("node lease renewal failed node={} error=\"{}\"", this.nodeName, ex.toString());
		}
	}

	private Lease newLease(ZonedDateTime now) {
		LeaseBuilder builder = new LeaseBuilder().withNewMetadata()
			.withName(this.nodeName)
			.withNamespace(NAMESPACE)
			.endMetadata()
			.withNewSpec()
			.withHolderIdentity(this.nodeName)
			.withLeaseDurationSeconds((int) this.leaseDuration.toSeconds())
			.withRenewTime(now)
			.endSpec();
		var node = this.client.nodes().withName(this.nodeName).get();
		if (node != null) {
			builder.editMetadata()
				.withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
					.withKind("Node")
					.withName(this.nodeName)
					.withUid(node.getMetadata().getUid())
					.build())
				.endMetadata();
		}
		return builder.build();
	}

}
