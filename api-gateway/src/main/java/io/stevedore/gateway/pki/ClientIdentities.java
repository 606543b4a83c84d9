package io.stevedore.gateway.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client certificates the gateway keeps for the cluster's own components, where no script
 * issues them: in docker-compose every container mounts the gateway's state volume and
 * reads {@code identities/NAME.crt} and {@code NAME.key} (and a {@code NAME.kubeconfig}),
 * as {@code ./stevedore up}'s identities.sh writes them. Each is
 * {@code NAME=USER[/GROUP...]}, for example {@code scheduler=system:kube-scheduler} or
 * {@code node-a=system:node:a/system:nodes}. A certificate is reissued when it is
 * missing, not signed by the current CA, for another subject, or within
 * {@link #RENEW_BEFORE} of its end. Keys are RSA: fabric8's client reads PKCS#8 keys as
 * RSA.
 */
public final class ClientIdentities {

	private static final Logger log = LoggerFactory.getLogger(ClientIdentities.class);

	static final Duration RENEW_BEFORE = Duration.ofDays(30);

	/** A file name: no path separators, no leading dot. */
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final List<Identity> identities;

	private ClientIdentities(List<Identity> identities) {
		this.identities = List.copyOf(identities);
	}

	/** One component's identity: its file name, user (CN) and groups (O). */
	public record Identity(String name, String user, List<String> groups) {
	}

	/**
	 * Parses {@code NAME=USER[/GROUP...]} entries.
	 * @throws IllegalArgumentException naming the property and the entry that is wrong
	 */
	public static ClientIdentities parse(List<String> entries) {
		List<Identity> identities = new ArrayList<>();
		for (String entry : entries) {
			int equals = entry.indexOf('=');
			String name = (equals < 0) ? "" : entry.substring(0, equals).strip();
			List<String> subject = (equals < 0) ? List.of()
					: Arrays.stream(entry.substring(equals + 1).split("/")).map(String::strip).toList();
			if (!NAME.matcher(name).matches() || subject.isEmpty() || subject.stream().anyMatch(String::isEmpty)) {
				throw new IllegalArgumentException("stevedore.gateway.tls.client-identities: '" + entry
						+ "' is not NAME=USER[/GROUP...] with NAME a file name");
			}
			identities.add(new Identity(name, subject.get(0), subject.subList(1, subject.size())));
		}
		return new ClientIdentities(identities);
	}

	public List<Identity> identities() {
		return this.identities;
	}

	/**
	 * Writes or renews each identity's certificate, key and kubeconfig in
	 * {@code directory}.
	 * @param server the gateway URL written into the kubeconfigs
	 */
	public void keep(Path directory, CertificateAuthority authority, String server) {
		if (this.identities.isEmpty()) {
			return;
		}
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create " + directory, ex);
		}
		for (Identity identity : this.identities) {
			Path cert = directory.resolve(identity.name() + ".crt");
			Path key = directory.resolve(identity.name() + ".key");
			if (!current(cert, key, identity, authority)) {
				KeyPair keys = CertificateAuthority.newRsaKeyPair();
				X509Certificate certificate = authority.issueClient(identity.user(), identity.groups(),
						keys.getPublic());
				Pem.writePrivate(key, Pem.encode(keys.getPrivate()));
				Pem.writePublic(cert, Pem.encode(certificate));
				log.info("issued client certificate name={} user={} groups={}", identity.name(), identity.user(),
						identity.groups());
			}
			Pem.writePrivate(directory.resolve(identity.name() + ".kubeconfig"), ClusterPki.kubeconfig(server,
					authority.certificate(), Pem.readCertificate(cert), Pem.readPrivateKey(key), identity.user()));
		}
	}

	private static boolean current(Path cert, Path key, Identity identity, CertificateAuthority authority) {
		if (!Files.exists(cert) || !Files.exists(key)) {
			return false;
		}
		X509Certificate certificate = Pem.readCertificate(cert);
		try {
			authority.verifyClient(certificate);
		}
		catch (CertificateException ex) {
			return false;
		}
		boolean renewSoon = certificate.getNotAfter()
			.toInstant()
			.isBefore(authority.clock().instant().plus(RENEW_BEFORE));
		return !renewSoon && names(certificate, identity);
	}

	/**
	 * Whether the certificate's CN is the identity's user and its O values its groups.
	 */
	private static boolean names(X509Certificate certificate, Identity identity) {
		String user = null;
		Set<String> groups = new HashSet<>();
		try {
			for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
				if (rdn.getType().equalsIgnoreCase("CN")) {
					user = rdn.getValue().toString();
				}
				else if (rdn.getType().equalsIgnoreCase("O")) {
					groups.add(rdn.getValue().toString());
				}
			}
		}
		catch (InvalidNameException ex) {
			return false;
		}
		return identity.user().equals(user) && groups.equals(Set.copyOf(identity.groups()));
	}

}
