package io.stevedore.apiserver.kubelet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The apiserver's kubelet client certificate replaced on disk while it runs, over real
 * TLS: an agent stand-in on loopback that requires a client certificate of the CA and
 * answers with the serial it was shown, called through the transport's HTTP client (logs,
 * metrics) and its dialled socket (exec, attach, port-forward).
 */
@ExtendWith(OutputCaptureExtension.class)
class KubeletClientReloadTest {

	@TempDir
	Path dir;

	private final KeyPair caKey = rsa();

	private final X509Certificate ca = sign(new X500Name("CN=kubelet-ca"), BigInteger.ONE, this.caKey.getPublic(),
			true);

	private HttpsServer agent;

	private Path certFile;

	private Path keyFile;

	private KubeletTransport transport;

	private KubeletTransport.Http http;

	@BeforeEach
	void start() throws Exception {
		this.agent = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.agent.setHttpsConfigurator(new HttpsConfigurator(serverContext()) {
			@Override
			public void configure(HttpsParameters params) {
				SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
				parameters.setNeedClientAuth(true);
				params.setSSLParameters(parameters);
			}
		});
		this.agent.createContext("/", (exchange) -> {
			X509Certificate shown = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
				.getPeerCertificates()[0];
			byte[] body = shown.getSerialNumber().toString().getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.agent.start();
		Path caFile = this.dir.resolve("ca.crt");
		Files.writeString(caFile, pem(this.ca));
		this.certFile = this.dir.resolve("apiserver-kubelet-client.crt");
		this.keyFile = this.dir.resolve("apiserver-kubelet-client.key");
		writePair(BigInteger.valueOf(10), rsa());
		this.transport = KubeletTransport.of(new KubeletClientProperties(this.certFile.toString(),
				this.keyFile.toString(), caFile.toString(), Duration.ZERO));
		this.http = this.transport.http(HttpClient::newBuilder);
	}

	@AfterEach
	void stop() {
		this.agent.stop(0);
	}

	@Test
	void aNewPairOnDiskIsPresentedFromTheNextCallOn() throws Exception {
		assertThat(overHttp()).isEqualTo("10");
		assertThat(overDial()).isEqualTo("10");

		writePair(BigInteger.valueOf(11), rsa());

		assertThat(overHttp()).isEqualTo("11");
		assertThat(overDial()).isEqualTo("11");
	}

	@Test
	void aHalfWrittenOrMismatchedPairKeepsTheOneInUseAndIsLoggedOnce(CapturedOutput output) throws Exception {
		KeyPair key = rsa();
		writePair(BigInteger.valueOf(11), key);
		assertThat(overHttp()).isEqualTo("11");

		// the certificate cut short, as a writer caught halfway
		String next = pem(sign(new X500Name("CN=kube-apiserver-kubelet-client"), BigInteger.valueOf(12),
				rsa().getPublic(), false));
		Files.writeString(this.certFile, next.substring(0, next.length() / 2));
		assertThat(overHttp()).isEqualTo("11");
		assertThat(overDial()).isEqualTo("11");
		assertThat(overHttp()).isEqualTo("11");
		// the certificate written, its key not yet: the old key does not match
		Files.writeString(this.certFile, next);
		assertThat(overHttp()).isEqualTo("11");
		assertThat(overDial()).isEqualTo("11");
		assertThat(output.getOut().split("Keeping the kubelet client certificate in use \\(serial b\\)", -1))
			.as("one warning per refused pair, not one per call")
			.hasSize(3);
		assertThat(output.getOut()).contains("the private key does not match the certificate's public key");

		// once the pair is whole, it is used
		writePair(BigInteger.valueOf(13), rsa());
		assertThat(overHttp()).isEqualTo("13");
		assertThat(overDial()).isEqualTo("13");
		assertThat(output.getOut()).contains("Reloaded the kubelet client certificate")
			.contains("CN=kube-apiserver-kubelet-client");
	}

	private String overHttp() throws Exception {
		URI location = this.transport
			.locate(URI.create("http://127.0.0.1:" + this.agent.getAddress().getPort() + "/stats/summary"));
		HttpResponse<String> response = this.http.get()
			.send(HttpRequest.newBuilder(location).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private String overDial() throws IOException {
		try (Socket socket = this.transport.dial("127.0.0.1", this.agent.getAddress().getPort(), 5000)) {
			socket.getOutputStream()
				.write("GET /exec HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			String line;
			String last = "";
			while ((line = in.readLine()) != null) {
				last = line;
			}
			return last;
		}
	}

	private void writePair(BigInteger serial, KeyPair key) throws IOException {
		Files.writeString(this.certFile,
				pem(sign(new X500Name("CN=kube-apiserver-kubelet-client"), serial, key.getPublic(), false)));
		Files.writeString(this.keyFile, pem(new JcaPKCS8Generator(key.getPrivate(), null).generate()));
	}

	private SSLContext serverContext() throws Exception {
		KeyPair key = rsa();
		X509Certificate certificate = sign(new X500Name("CN=127.0.0.1"), BigInteger.TWO, key.getPublic(), false);
		KeyStore keys = KeyStore.getInstance("PKCS12");
		keys.load(null, null);
		keys.setKeyEntry("agent", key.getPrivate(), new char[0], new X509Certificate[] { certificate });
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, new char[0]);
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("ca", this.ca);
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
		return context;
	}

	/**
	 * Signed by the CA (self-signed for the CA); servers get 127.0.0.1 as their address.
	 */
	private X509Certificate sign(X500Name subject, BigInteger serial, java.security.PublicKey key, boolean isCa) {
		try {
			Instant now = Instant.now();
			var builder = new JcaX509v3CertificateBuilder(isCa ? subject : new X500Name("CN=kubelet-ca"), serial,
					Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), subject, key);
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
			if (subject.toString().equals("CN=127.0.0.1")) {
				builder.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
			}
			return new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(this.caKey.getPrivate())));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(Object object) {
		try {
			StringWriter text = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
				writer.writeObject(object);
			}
			return text.toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
