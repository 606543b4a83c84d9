package io.stevedore.gateway.authn;

import org.springframework.http.server.reactive.ServerHttpRequest;

/** One way of proving an identity (client certificate, bearer token ...). */
public interface Authenticator {

	Authentication authenticate(ServerHttpRequest request);

}
