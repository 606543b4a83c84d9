package io.stevedore.nodeagent.pod.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The three things a pod's {@code /etc/resolv.conf} says, as the kubelet's
 * {@code runtimeapi.DNSConfig} holds them.
 */
public record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {

	public ResolvConf {
		nameservers = List.copyOf(nameservers);
		searches = List.copyOf(searches);
		options = List.copyOf(options);
	}

	public static ResolvConf empty() {
		return new ResolvConf(List.of(), List.of(), List.of());
	}

	/**
	 * Parses a resolv.conf as the kubelet does ({@code parseResolvConf}): every
	 * {@code nameserver} line adds a server, the last {@code search} line wins (trailing
	 * dots dropped, a lone "." ignored), every {@code options} line adds its options;
	 * comments and other keywords are ignored.
	 */
	public static ResolvConf parse(String text) {
		List<String> nameservers = new ArrayList<>();
		List<String> searches = new ArrayList<>();
		List<String> options = new ArrayList<>();
		for (String raw : text.split("\n")) {
			String line = raw;
			int comment = indexOfComment(line);
			if (comment >= 0) {
				line = line.substring(0, comment);
			}
			String[] fields = line.trim().split("\\s+");
			if (fields.length < 2) {
				continue;
			}
			switch (fields[0]) {
				case "nameserver" -> nameservers.add(fields[1]);
				case "search" -> {
					searches.clear();
					for (int i = 1; i < fields.length; i++) {
						if (!fields[i].equals(".")) {
							searches.add(fields[i].endsWith(".") ? fields[i].substring(0, fields[i].length() - 1)
									: fields[i]);
						}
					}
				}
				case "options" -> options.addAll(List.of(fields).subList(1, fields.length));
				default -> {
				}
			}
		}
		return new ResolvConf(nameservers, searches, options);
	}

	private static int indexOfComment(String line) {
		int hash = line.indexOf('#');
		int semicolon = line.indexOf(';');
		if (hash < 0) {
			return semicolon;
		}
		return semicolon < 0 ? hash : Math.min(hash, semicolon);
	}

	/** The file's text: what the container's resolver reads. */
	public String render() {
		StringBuilder text = new StringBuilder();
		if (!this.searches.isEmpty()) {
			text.append("search ").append(String.join(" ", this.searches)).append('\n');
		}
		for (String server : this.nameservers) {
			text.append("nameserver ").append(server).append('\n');
		}
		if (!this.options.isEmpty()) {
			text.append("options ").append(String.join(" ", this.options)).append('\n');
		}
		return text.toString();
	}

	/**
	 * Writes the file in one step (a temporary file renamed over it): a container that
	 * starts meanwhile reads the old or the new file, never half of one.
	 */
	public void writeTo(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temporary, render(), StandardCharsets.UTF_8);
		Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
