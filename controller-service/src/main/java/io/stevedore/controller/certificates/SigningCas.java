package io.stevedore.controller.certificates;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which CA signs for which built-in signer, as kube-controller-manager's
 * {@code --cluster-signing-*} flags say: either one CA for every signer
 * ({@code cluster-signing-cert-file}/{@code -key-file}) or a CA per signer
 * ({@code cluster-signing-kubelet-serving-cert-file}, {@code …-kubelet-client-…},
 * {@code …-kube-apiserver-client-…}), never both. With per-signer files, a signer without
 * its own CA signs nothing: its approved requests wait, as they do in Kubernetes where
 * that signer's controller does not run.
 */
public final class SigningCas {

	static final String PREFIX = "stevedore.controllers.cluster-signing-";

	/**
	 * The per-signer property infix of each built-in signer, in Kubernetes' flag order.
	 */
	static final Map<String, String> SIGNER_FLAGS = Map.of(BuiltInSigners.KUBELET_SERVING, "kubelet-serving",
			NodeClientRequest.SIGNER, "kubelet-client", BuiltInSigners.KUBE_APISERVER_CLIENT, "kube-apiserver-client");

	private final Map<String, ClusterSigner> bySigner;

	private SigningCas(Map<String, ClusterSigner> bySigner) {
		this.bySigner = Map.copyOf(bySigner);
	}

	/** One CA for every built-in signer. */
	public static SigningCas single(ClusterSigner signer) {
		Map<String, ClusterSigner> all = new LinkedHashMap<>();
		SIGNER_FLAGS.keySet().forEach((name) -> all.put(name, signer));
		return new SigningCas(all);
	}

	/**
	 * Reads the CAs the properties name.
	 * @param properties a property's value by its full name, empty or null when unset
	 * @throws IllegalArgumentException naming the properties when they contradict each
	 * other; nothing is read then
	 */
	public static SigningCas fromProperties(UnaryOperator<String> properties, Duration maxDuration) {
		List<String> problems = problems(properties);
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(String.join("; ", problems));
		}
		String cert = value(properties, PREFIX + "cert-file");
		if (!cert.isEmpty()) {
			return single(ClusterSigner.fromFiles(Path.of(cert), Path.of(value(properties, PREFIX + "key-file")),
					maxDuration));
		}
		Map<String, ClusterSigner> bySigner = new LinkedHashMap<>();
		SIGNER_FLAGS.forEach((signer, flag) -> {
			String signerCert = value(properties, PREFIX + flag + "-cert-file");
			if (!signerCert.isEmpty()) {
				bySigner.put(signer, ClusterSigner.fromFiles(Path.of(signerCert),
						Path.of(value(properties, PREFIX + flag + "-key-file")), maxDuration));
			}
		});
		return new SigningCas(bySigner);
	}

	/** What is wrong with the properties, each naming the property; empty when fine. */
	static List<String> problems(UnaryOperator<String> properties) {
		List<String> problems = new ArrayList<>();
		pairProblem(properties, "").ifPresent(problems::add);
		boolean single = !value(properties, PREFIX + "cert-file").isEmpty()
				|| !value(properties, PREFIX + "key-file").isEmpty();
		List<String> perSigner = new ArrayList<>();
		for (String flag : SIGNER_FLAGS.values().stream().sorted().toList()) {
			pairProblem(properties, flag + "-").ifPresent(problems::add);
			for (String part : List.of("-cert-file", "-key-file")) {
				if (!value(properties, PREFIX + flag + part).isEmpty()) {
					perSigner.add(PREFIX + flag + part);
				}
			}
		}
		if (single && !perSigner.isEmpty()) {
			problems.add("cannot set " + PREFIX + "cert-file/key-file together with " + String.join(", ", perSigner));
		}
		return problems;
	}

	/** Both files of one CA or neither. */
	private static Optional<String> pairProblem(UnaryOperator<String> properties, String infix) {
		String certName = PREFIX + infix + "cert-file";
		String keyName = PREFIX + infix + "key-file";
		boolean cert = !value(properties, certName).isEmpty();
		boolean key = !value(properties, keyName).isEmpty();
		if (cert == key) {
			return Optional.empty();
		}
		return Optional.of(cert ? certName + " is set without " + keyName : keyName + " is set without " + certName);
	}

	private static String value(UnaryOperator<String> properties, String name) {
		String value = properties.apply(name);
		return value == null ? "" : value.strip();
	}

	/** The CA that signs for {@code signerName}, empty when none does. */
	public Optional<ClusterSigner> forSigner(String signerName) {
		return Optional.ofNullable(signerName == null ? null : this.bySigner.get(signerName));
	}

	public boolean isEmpty() {
		return this.bySigner.isEmpty();
	}

}
