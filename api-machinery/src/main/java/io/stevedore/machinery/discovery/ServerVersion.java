package io.stevedore.machinery.discovery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code /version} reports. kubectl compares {@code major}/{@code minor} with its
 * own version and warns when they are more than one minor apart, so Stevedore speaks as
 * the Kubernetes release whose API it serves.
 */
public record ServerVersion(String major, String minor, String gitVersion, String gitCommit, String gitTreeState,
		String buildDate, String goVersion, String compiler, String platform) {

	/** The Kubernetes release whose API Stevedore serves: v1.32. */
	public static ServerVersion stevedore() {
		String arch = System.getProperty("os.arch", "amd64");
		String goArch = switch (arch) {
			case "x86_64", "amd64" -> "amd64";
			case "aarch64", "arm64" -> "arm64";
			default -> arch;
		};
		return new ServerVersion("1", "32", "v1.32.0-stevedore", "0000000000000000000000000000000000000000", "clean",
				"2025-01-01T00:00:00Z", "java" + Runtime.version().feature(), "stevedore", "linux/" + goArch);
	}

	ObjectNode toJson() {
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		node.put("major", this.major);
		node.put("minor", this.minor);
		node.put("gitVersion", this.gitVersion);
		node.put("gitCommit", this.gitCommit);
		node.put("gitTreeState", this.gitTreeState);
		node.put("buildDate", this.buildDate);
		node.put("goVersion", this.goVersion);
		node.put("compiler", this.compiler);
		node.put("platform", this.platform);
		return node;
	}

}
