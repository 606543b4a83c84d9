package io.stevedore.client.config;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An engine that ends its connection once the client certificate it authenticated with
 * has been replaced, as client-go closes the kubelet's connections after a rotation: the
 * API server checks the certificate's validity on every request, so a pooled connection
 * kept busy would otherwise go on as the old certificate until that one expires and its
 * requests are refused.
 * <p>
 * The check is made when the client next writes on an established connection, i.e. when
 * it sends a request on it: the engine sends close_notify instead, nothing of the request
 * reaches the server, the JDK HttpClient sees the pooled connection closed before any
 * response and retries on a new connection (GET; fabric8 retries the other methods on the
 * IOException). A response being read (a watch) is not cut: that connection ends with its
 * watch. (This holds for HTTP/1.1, what the gateway speaks; on an HTTP/2 connection any
 * frame written would close it with all its streams, watches included, which then
 * re-watch: what client-go does to every connection anyway.)
 */
final class RetiringEngine extends SSLEngine {

	private static final String NO_SESSION_YET = "SSL_NULL_WITH_NULL_NULL";

	private final SSLEngine delegate;

	private final BooleanSupplier replaced;

	RetiringEngine(SSLEngine delegate, BooleanSupplier replaced) {
		super(delegate.getPeerHost(), delegate.getPeerPort());
		this.delegate = delegate;
		this.replaced = replaced;
	}

	@Override
	public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
		if (!this.delegate.isOutboundDone() && this.replaced.getAsBoolean() && established()) {
			this.delegate.closeOutbound();
		}
		return this.delegate.wrap(srcs, offset, length, dst);
	}

	/** Handshake done: a connection not yet established has nothing to retire. */
	private boolean established() {
		return this.delegate.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
				&& !NO_SESSION_YET.equals(this.delegate.getSession().getCipherSuite());
	}

	@Override
	public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
		return this.delegate.unwrap(src, dsts, offset, length);
	}

	@Override
	public Runnable getDelegatedTask() {
		return this.delegate.getDelegatedTask();
	}

	@Override
	public void closeInbound() throws SSLException {
		this.delegate.closeInbound();
	}

	@Override
	public boolean isInboundDone() {
		return this.delegate.isInboundDone();
	}

	@Override
	public void closeOutbound() {
		this.delegate.closeOutbound();
	}

	@Override
	public boolean isOutboundDone() {
		return this.delegate.isOutboundDone();
	}

	@Override
	public String[] getSupportedCipherSuites() {
		return this.delegate.getSupportedCipherSuites();
	}

	@Override
	public String[] getEnabledCipherSuites() {
		return this.delegate.getEnabledCipherSuites();
	}

	@Override
	public void setEnabledCipherSuites(String[] suites) {
		this.delegate.setEnabledCipherSuites(suites);
	}

	@Override
	public String[] getSupportedProtocols() {
		return this.delegate.getSupportedProtocols();
	}

	@Override
	public String[] getEnabledProtocols() {
		return this.delegate.getEnabledProtocols();
	}

	@Override
	public void setEnabledProtocols(String[] protocols) {
		this.delegate.setEnabledProtocols(protocols);
	}

	@Override
	public SSLSession getSession() {
		return this.delegate.getSession();
	}

	@Override
	public SSLSession getHandshakeSession() {
		return this.delegate.getHandshakeSession();
	}

	@Override
	public void beginHandshake() throws SSLException {
		this.delegate.beginHandshake();
	}

	@Override
	public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
		return this.delegate.getHandshakeStatus();
	}

	@Override
	public void setUseClientMode(boolean mode) {
		this.delegate.setUseClientMode(mode);
	}

	@Override
	public boolean getUseClientMode() {
		return this.delegate.getUseClientMode();
	}

	@Override
	public void setNeedClientAuth(boolean need) {
		this.delegate.setNeedClientAuth(need);
	}

	@Override
	public boolean getNeedClientAuth() {
		return this.delegate.getNeedClientAuth();
	}

	@Override
	public void setWantClientAuth(boolean want) {
		this.delegate.setWantClientAuth(want);
	}

	@Override
	public boolean getWantClientAuth() {
		return this.delegate.getWantClientAuth();
	}

	@Override
	public void setEnableSessionCreation(boolean flag) {
		this.delegate.setEnableSessionCreation(flag);
	}

	@Override
	public boolean getEnableSessionCreation() {
		return this.delegate.getEnableSessionCreation();
	}

	@Override
	public SSLParameters getSSLParameters() {
		return this.delegate.getSSLParameters();
	}

	@Override
	public void setSSLParameters(SSLParameters params) {
		this.delegate.setSSLParameters(params);
	}

	@Override
	public String getApplicationProtocol() {
		return this.delegate.getApplicationProtocol();
	}

	@Override
	public String getHandshakeApplicationProtocol() {
		return this.delegate.getHandshakeApplicationProtocol();
	}

	@Override
	public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
		this.delegate.setHandshakeApplicationProtocolSelector(selector);
	}

	@Override
	public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
		return this.delegate.getHandshakeApplicationProtocolSelector();
	}

}
