package io.stevedore.gateway.admission.defaulttoleration;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionPlugin;

/**
 * Kubernetes' DefaultTolerationSeconds admission. A pod that does not tolerate the
 * {@code node.kubernetes.io/not-ready:NoExecute} taint gets
 * {@code {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute,
 * tolerationSeconds: N}}, and likewise for {@code node.kubernetes.io/unreachable}: the
 * node lifecycle controller evicts a pod without a matching toleration the moment its
 * node is tainted, so this is what gives every ordinary pod a grace period on a node that
 * stops reporting.
 *
 * <p>
 * As Kubernetes, a toleration already counts when its key is the taint's or empty (with
 * {@code Exists}, every taint) and its effect is {@code NoExecute} or empty (every
 * effect); its operator, value and seconds are not looked at, and it is never changed.
 * The defaults are appended after the pod's own tolerations.
 *
 * <p>
 * Runs on CREATE and UPDATE, as Kubernetes: an update that sends the pod without the
 * tolerations it was given (a {@code kubectl replace} of the original manifest) gets them
 * back unchanged, where validation would otherwise refuse it for removing them.
 * Stateless; safe for concurrent use.
 */
public final class DefaultTolerationSeconds implements AdmissionPlugin {

	public static final String NAME = "DefaultTolerationSeconds";

	static final String NOT_READY = "node.kubernetes.io/not-ready";

	static final String UNREACHABLE = "node.kubernetes.io/unreachable";

	private static final String NO_EXECUTE = "NoExecute";

	private final long notReadySeconds;

	private final long unreachableSeconds;

	/**
	 * @param notReadySeconds tolerationSeconds of the added not-ready toleration
	 * @param unreachableSeconds tolerationSeconds of the added unreachable toleration
	 */
	public DefaultTolerationSeconds(long notReadySeconds, long unreachableSeconds) {
		this.notReadySeconds = notReadySeconds;
		this.unreachableSeconds = unreachableSeconds;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return Set.of("/pods");
	}

	@Override
	public void admit(AdmissionAttributes attributes) {
		if (!attributes.isMainResource("", "pods") || !(attributes.object() instanceof Pod pod)
				|| pod.getSpec() == null) {
			return;
		}
		if (!AdmissionAttributes.CREATE.equals(attributes.operation())
				&& !AdmissionAttributes.UPDATE.equals(attributes.operation())) {
			return;
		}
		List<Toleration> own = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
		boolean notReady = tolerates(own, NOT_READY);
		boolean unreachable = tolerates(own, UNREACHABLE);
		if (notReady && unreachable) {
			return;
		}
		List<Toleration> tolerations = new ArrayList<>(own);
		if (!notReady) {
			tolerations.add(noExecute(NOT_READY, this.notReadySeconds));
		}
		if (!unreachable) {
			tolerations.add(noExecute(UNREACHABLE, this.unreachableSeconds));
		}
		pod.getSpec().setTolerations(tolerations);
	}

	/** Kubernetes' test: key equal or empty, effect NoExecute or empty. */
	private static boolean tolerates(List<Toleration> tolerations, String taintKey) {
		for (Toleration toleration : tolerations) {
			if (toleration == null) {
				continue;
			}
			String key = toleration.getKey();
			String effect = toleration.getEffect();
			if ((key == null || key.isEmpty() || taintKey.equals(key))
					&& (effect == null || effect.isEmpty() || NO_EXECUTE.equals(effect))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A new object per pod: fabric8 models are mutable and a pod's may be changed later.
	 */
	private static Toleration noExecute(String key, long seconds) {
		return new TolerationBuilder().withKey(key)
			.withOperator("Exists")
			.withEffect(NO_EXECUTE)
			.withTolerationSeconds(seconds)
			.build();
	}

}
