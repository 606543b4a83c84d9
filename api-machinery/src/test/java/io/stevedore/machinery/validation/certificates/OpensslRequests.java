package io.stevedore.machinery.validation.certificates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Real PKCS#10 requests made by the openssl command, as a user makes them, as
 * spec.request holds them (base64 of the PEM).
 */
final class OpensslRequests {

	private OpensslRequests() {
	}

	/** {@code openssl req -new -newkey <key> -subj /CN=alice <extra>}, base64. */
	static String request(String newKey, String... extra) {
		try {
			Path dir = Files.createTempDirectory("csr-");
			try {
				List<String> command = new ArrayList<>(List.of("openssl", "req", "-new", "-newkey", newKey, "-nodes",
						"-keyout", dir.resolve("key").toString(), "-subj", "/CN=alice", "-out",
						dir.resolve("csr").toString()));
				command.addAll(List.of(extra));
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				if (process.waitFor() != 0) {
					throw new IllegalStateException(String.join(" ", command) + ": " + output);
				}
				return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("csr")));
			}
			finally {
				Files.deleteIfExists(dir.resolve("key"));
				Files.deleteIfExists(dir.resolve("csr"));
				Files.deleteIfExists(dir);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The same request with one bit of its signature flipped. */
	static String tampered(String base64) {
		String pem = new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
		String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		byte[] der = Base64.getDecoder().decode(body);
		der[der.length - 1] ^= 0x01;
		String changed = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
				+ "\n-----END CERTIFICATE REQUEST-----\n";
		return Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.US_ASCII));
	}

}
