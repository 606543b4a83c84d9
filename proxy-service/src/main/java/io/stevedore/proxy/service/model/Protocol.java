package io.stevedore.proxy.service.model;

/**
 * The transport protocols the proxy forwards (SCTP Services are ignored, as unsupported).
 */
public enum Protocol {

	TCP, UDP;

	public String lower() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
